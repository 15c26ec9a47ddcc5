using Clinic.Modules.Intake.Domain;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Deadlines;

/// <summary>The response policy as the rest of Intake uses it: deadlines for a request, and the escalation chain.</summary>
internal sealed class ResponsePolicy(IOptionsMonitor<ResponsePolicyOptions> options)
{
    public ResponseDeadlinesSet DeadlinesFor(bool urgent, DateTimeOffset from)
    {
        var policy = urgent ? options.CurrentValue.Urgent : options.CurrentValue.Routine;
        // Placeholder: counts every minute. Business hours and holidays come with the policy's own change.
        return new ResponseDeadlinesSet(from + policy.Acknowledge.Within, from + policy.FirstContact.Within, urgent ? "urgent" : "routine", from);
    }

    public IReadOnlyList<EscalationStepOptions> EscalationFor(bool urgent) =>
        (urgent ? options.CurrentValue.Urgent : options.CurrentValue.Routine).Escalation;
}
