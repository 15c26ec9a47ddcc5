using Clinic.Modules.Intake.ConditionOptions;
using Clinic.Modules.Intake.CrisisLanguage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>The Schedule A Call form: shows it, validates it on the server, and stores the request.</summary>
[EnableRateLimiting(IntakeRateLimiting.PolicyName)]
internal sealed class ScheduleModel(ConditionChoicesCache conditions, SubmitIntakeRequest submit, CrisisLanguageRules crisis) : PageModel
{
    [BindProperty]
    public ScheduleCallForm Form { get; set; } = new();

    /// <summary>Identifies this copy of the form, so a double click or a resubmit stores one request.</summary>
    [BindProperty]
    public string? FormInstanceId { get; set; }

    /// <summary>The honeypot: hidden from people and assistive technology, so only bots fill it in.</summary>
    [BindProperty]
    public string? Fax { get; set; }

    public ConditionChoices Choices { get; private set; } = new();

    /// <summary>The form came back with errors and its message carries crisis language: help comes before the errors.</summary>
    public bool ShowCrisisFirst { get; private set; }

    public async Task OnGetAsync(string? condition, CancellationToken cancellationToken)
    {
        // Reached from a condition page's link: a condition published a moment ago is offered, not missing.
        Choices = await conditions.GetOfferingAsync(condition, cancellationToken);
        FormInstanceId = Guid.NewGuid().ToString("N");
        if (condition is not null && Choices.Offers(condition))
        {
            Form.Condition = condition;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Choices = await conditions.GetOfferingAsync(Form.Condition, cancellationToken);
        foreach (var (field, messages) in ScheduleCallValidator.Validate(Form, Choices))
        {
            // Binding may already have said something about this field; ours is the clearer message.
            ModelState.Remove($"{nameof(Form)}.{field}");
            foreach (var message in messages)
            {
                ModelState.AddModelError($"{nameof(Form)}.{field}", message);
            }
        }

        // The binder's own message for a non-boolean checkbox value repeats the value; ours does not.
        if (ModelState[$"{nameof(Form)}.{nameof(Form.SendAcknowledgement)}"]?.Errors.Count > 0)
        {
            ModelState.Remove($"{nameof(Form)}.{nameof(Form.SendAcknowledgement)}");
            ModelState.AddModelError($"{nameof(Form)}.{nameof(Form.SendAcknowledgement)}", "Please tick the box, or leave it empty.");
        }

        if (!ModelState.IsValid)
        {
            // Nothing is stored yet, so nobody will call: a person in crisis must not have to fix a field to be helped.
            ShowCrisisFirst = crisis.Match(Form.Message) is not null;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var instance = Guid.TryParse(FormInstanceId, out var id) ? id.ToString("N") : null;
        var result = await submit.HandleAsync(
            new Submission(Form, "form", instance, HoneypotTripped: !string.IsNullOrEmpty(Fax)),
            cancellationToken);
        return RedirectToPage("Confirmation", new { reference = result.Reference });
    }
}
