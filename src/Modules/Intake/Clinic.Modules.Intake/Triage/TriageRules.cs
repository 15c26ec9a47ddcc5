using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Triage;

/// <summary>Where a request stands in the staff's work.</summary>
public enum RequestStatus { New, Acknowledged, Contacting, Scheduled, Declined, Closed }

/// <summary>What a staff member asks to do with a request.</summary>
internal abstract record TriageCommand;
internal sealed record Acknowledge : TriageCommand;
internal sealed record Assign(string To) : TriageCommand;
internal sealed record LogContactAttempt(string Outcome) : TriageCommand;
internal sealed record ScheduleCall(DateTimeOffset For) : TriageCommand;
internal sealed record Decline(string Reason) : TriageCommand;
internal sealed record Close : TriageCommand;
internal sealed record AddNote(string Text) : TriageCommand;
internal sealed record ClearSpam : TriageCommand;

/// <summary>
/// The triage rules, as a pure decision: given the request as it stands and a command, the event to
/// record or the reason it cannot be done. No I/O, so every rule is tested directly.
/// </summary>
internal static class TriageRules
{
    public static readonly string[] ContactOutcomes = ["reached", "no-answer", "left-message", "wrong-number"];
    public const int MaxTextLength = 2000;

    public static (object? Event, string? Refusal) Decide(TriageState request, TriageCommand command, string by, DateTimeOffset now)
    {
        var finished = request.Status is RequestStatus.Closed or RequestStatus.Declined;
        return command switch
        {
            AddNote { Text: var text } when string.IsNullOrWhiteSpace(text) => Refuse("Write the note first."),
            AddNote { Text: var text } when text.Length > MaxTextLength => Refuse($"Notes are at most {MaxTextLength} characters."),
            AddNote { Text: var text } => (new NoteAdded(text.Trim(), by, now), null),
            // Before "Not spam": clearing a finished request would alert staff about it as if it were new.
            _ when finished => Refuse($"This request is {request.Status.ToString().ToLowerInvariant()}; only notes can be added."),
            ClearSpam when !request.IsSuspectedSpam => Refuse("This request is not in the spam folder."),
            ClearSpam => (new SpamCleared(by, now), null),
            _ when request.IsSuspectedSpam && command is not Decline => Refuse("This request is in the spam folder: mark it “Not spam” first."),
            Acknowledge when request.Status != RequestStatus.New => Refuse(request.AcknowledgedBy is { } acknowledgedBy
                ? $"Already acknowledged by {acknowledgedBy}."
                : "This request is already being worked on (a contact attempt or call is logged)."),
            Acknowledge => (new RequestAcknowledged(by, now), null),
            Assign { To: var to } when string.IsNullOrWhiteSpace(to) => Refuse("Choose who to assign it to."),
            Assign { To: var to } when string.Equals(to, request.AssignedTo, StringComparison.OrdinalIgnoreCase) => Refuse($"Already assigned to {to}."),
            Assign { To: var to } => (new RequestAssigned(to.Trim(), by, now), null),
            LogContactAttempt { Outcome: var outcome } when !ContactOutcomes.Contains(outcome) => Refuse("Choose how the contact attempt went."),
            LogContactAttempt { Outcome: var outcome } => (new ContactAttempted(outcome, by, now), null),
            ScheduleCall { For: var when } when when <= now => Refuse("Choose a time in the future."),
            ScheduleCall { For: var when } => (new CallScheduled(when, by, now), null),
            Decline { Reason: var reason } when string.IsNullOrWhiteSpace(reason) => Refuse("Say why the request is declined."),
            Decline { Reason: var reason } when reason.Length > MaxTextLength => Refuse($"Reasons are at most {MaxTextLength} characters."),
            Decline { Reason: var reason } => (new RequestDeclined(reason.Trim(), by, now), null),
            Close => (new RequestClosed(by, now), null),
            _ => Refuse("Unknown action."),
        };

        static (object?, string?) Refuse(string reason) => (null, reason);
    }
}
