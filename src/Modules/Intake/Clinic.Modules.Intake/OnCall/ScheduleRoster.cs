using Clinic.Modules.Intake.Deadlines;
using Marten;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>Escalation recipients from the on-call schedule as it stands when the step fires.</summary>
internal sealed class ScheduleRoster(IIntakeStore store, ClinicTime clinicTime, IOptionsMonitor<ResponsePolicyOptions> options) : IOnCallRoster
{
    public async Task<IReadOnlyList<string>> ResolveAsync(IReadOnlyList<string> targets, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var schedule = await session.LoadAsync<OnCallSchedule>(OnCallSchedule.ClinicId, cancellationToken) ?? new OnCallSchedule();
        return Resolve(schedule, targets, at, clinicTime.Zone, options.CurrentValue.Fallback);
    }

    /// <summary>
    /// "on-call", "next-on-call" and "clinic-lead" by the schedule, addresses as given, without repeats. A role the
    /// schedule leaves empty goes to the fallback addresses instead: no step leaves a role it names unalerted.
    /// </summary>
    public static IReadOnlyList<string> Resolve(OnCallSchedule schedule, IReadOnlyList<string> targets, DateTimeOffset at, DateTimeZone zone, IReadOnlyList<string> fallback)
    {
        var resolved = targets
            .SelectMany(target => (target switch
            {
                EscalationTargets.OnCall => OnCallResolution.OnCallAt(schedule, at, zone)?.Person.Email,
                EscalationTargets.NextOnCall => OnCallResolution.NextAfter(schedule, at, zone)?.Person.Email,
                EscalationTargets.ClinicLead => schedule.Lead?.Email,
                _ => target,
            }) is { Length: > 0 } address && !string.IsNullOrWhiteSpace(address) ? [address] : fallback)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return resolved.Count > 0 ? resolved : [.. fallback];
    }
}
