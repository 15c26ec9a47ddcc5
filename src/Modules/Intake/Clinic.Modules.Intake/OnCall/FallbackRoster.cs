using Clinic.Modules.Intake.Deadlines;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>Placeholder until the on-call schedule exists: literal addresses as given, every named target to the fallback.</summary>
internal sealed class FallbackRoster(IOptionsMonitor<ResponsePolicyOptions> options) : IOnCallRoster
{
    public Task<IReadOnlyList<string>> ResolveAsync(IReadOnlyList<string> targets, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var resolved = targets
            .SelectMany(t => EscalationTargets.All.Contains(t) ? options.CurrentValue.Fallback : [t])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return Task.FromResult<IReadOnlyList<string>>(resolved.Count > 0 ? resolved : options.CurrentValue.Fallback);
    }
}
