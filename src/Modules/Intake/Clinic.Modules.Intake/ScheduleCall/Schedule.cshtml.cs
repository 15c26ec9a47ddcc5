using Clinic.Modules.Intake.ConditionOptions;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>The Schedule A Call form: shows it, validates it on the server, and stores the request.</summary>
internal sealed class ScheduleModel(IQuerySession query, SubmitIntakeRequest submit) : PageModel
{
    [BindProperty]
    public ScheduleCallForm Form { get; set; } = new();

    public ConditionChoices Choices { get; private set; } = new();

    public async Task OnGetAsync(string? condition, CancellationToken cancellationToken)
    {
        Choices = await ConditionChoices.LoadAsync(query, cancellationToken);
        if (condition is not null && Choices.Offers(condition))
        {
            Form.Condition = condition;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Choices = await ConditionChoices.LoadAsync(query, cancellationToken);
        foreach (var (field, messages) in ScheduleCallValidator.Validate(Form, Choices))
        {
            // Binding may already have said something about this field; ours is the clearer message.
            ModelState.Remove($"{nameof(Form)}.{field}");
            foreach (var message in messages)
            {
                ModelState.AddModelError($"{nameof(Form)}.{field}", message);
            }
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var submitted = await submit.HandleAsync(Form, cancellationToken);
        return RedirectToPage("Confirmation", new { reference = submitted.Reference });
    }
}
