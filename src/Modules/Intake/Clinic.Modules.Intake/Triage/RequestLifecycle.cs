using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Triage;

/// <summary>
/// Where a request stands after a staff action: the one rule that the decision state and every read model
/// showing a status apply, so the inbox, the request page and the decisions never disagree.
/// </summary>
internal static class RequestLifecycle
{
    public static RequestStatus StatusAfter(RequestStatus current, object fact) => fact switch
    {
        RequestAcknowledged => RequestStatus.Acknowledged,
        // A contact attempt after a call was booked does not unbook it.
        ContactAttempted => current is RequestStatus.Scheduled ? RequestStatus.Scheduled : RequestStatus.Contacting,
        CallScheduled => RequestStatus.Scheduled,
        RequestDeclined => RequestStatus.Declined,
        RequestClosed => RequestStatus.Closed,
        _ => current,
    };
}
