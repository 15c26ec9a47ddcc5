using Clinic.Modules.Intake.Deadlines;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Triage;

/// <summary>One staff action as the page posts it: the action, the version the person saw, and its fields.</summary>
internal sealed class ActionForm
{
    public string Action { get; set; } = "";
    public long Version { get; set; }
    public string? To { get; set; }
    public string? Outcome { get; set; }
    public string? When { get; set; }
    public string? Reason { get; set; }
    public string? Text { get; set; }
}

/// <summary>A request's details, deliveries and history, and the actions staff take on it.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class RequestModel(TriageService triage, ClinicTime clinicTime, TimeProvider time) : PageModel
{
    public RequestDetail Detail { get; private set; } = null!;

    /// <summary>Why the last action was not saved (a refusal or a conflict).</summary>
    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    /// <summary>Its response deadlines, met or not, folded from the history shown.</summary>
    public DeadlineProgress Progress { get; private set; } = DeadlineProgress.None;

    public DateTimeOffset Now { get; private set; }

    [BindProperty]
    public ActionForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        Done = done;
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var command = Command(Form, out var invalid);
        var result = command is null
            ? new ActionResult(ActionOutcome.Refused, invalid)
            : await triage.ActAsync(id, Form.Version, command, User.Identity?.Name ?? "unknown", cancellationToken);
        switch (result.Outcome)
        {
            case ActionOutcome.NotFound:
                return NotFound();
            case ActionOutcome.Done:
                // Post/redirect/get: a reload never repeats the action.
                return RedirectToPage(new { id, done = Form.Action });
            case ActionOutcome.Conflict:
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }

        Problem = result.Message;
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var detail = await triage.OpenAsync(id, User.Identity?.Name ?? "unknown", "staff request", cancellationToken);
        if (detail is null)
        {
            return false;
        }

        Detail = detail;
        Progress = DeadlineProgress.From(detail.History.Select(e => e.Data));
        Now = time.GetUtcNow();
        return true;
    }

    private TriageCommand? Command(ActionForm form, out string? invalid)
    {
        invalid = null;
        switch (form.Action)
        {
            case "acknowledge": return new Acknowledge();
            case "assign": return new Assign(form.To ?? "");
            case "contact": return new LogContactAttempt(form.Outcome ?? "");
            case "decline": return new Decline(form.Reason ?? "");
            case "close": return new Close();
            case "note": return new AddNote(form.Text ?? "");
            case "not-spam": return new ClearSpam();
            case "schedule":
                // The form's datetime-local is the clinic's own clock time, as every time on these pages is.
                if (clinicTime.FromLocal(form.When) is { } when)
                {
                    return new ScheduleCall(when);
                }

                invalid = $"Choose a date and time for the call ({clinicTime.ZoneId} time) that exists on the clock.";
                return null;
            default:
                invalid = "Unknown action.";
                return null;
        }
    }
}
