using Clinic.Modules.Intake.Domain;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Triage;

/// <summary>
/// The staff's work list: open requests by default, urgent first, then newest, a page at a time; filters by
/// status, condition and overdue; finds a request by its reference; refreshes itself from the live feed.
/// </summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class InboxModel(TriageService triage, IIntakeStore store, TimeProvider time) : PageModel
{
    public const string AllStatuses = "all";

    /// <summary>Empty: every open request; "all"; or one <see cref="RequestStatus"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Condition { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    /// <summary>A reference typed into "Find by reference".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Find { get; set; }

    public string? FindProblem { get; private set; }

    public string? StatusProblem { get; private set; }

    public InboxPage Results { get; private set; } = new([], null, null);

    public DateTimeOffset Now { get; private set; }

    public int SpamCount { get; private set; }

    public ConditionOptions.ConditionChoices Conditions { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Find is not null)
        {
            var reference = Find.Trim().ToUpperInvariant();
            if (!ReferenceNumber.LooksLikeReference(reference))
            {
                FindProblem = "Type a reference such as KC-7F3KQ-9XDMA.";
                Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status400BadRequest;
            }
            else if (await triage.FindAsync(reference, cancellationToken) is { } id)
            {
                return Redirect($"/staff/requests/{id}");
            }
            else
            {
                // The list is still shown, with the answer beside the box.
                FindProblem = $"No request has the reference {reference}.";
                Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound;
            }
        }

        var filter = new InboxFilter(Spam: false, Condition: string.IsNullOrEmpty(Condition) ? null : Condition, OverdueOnly: Overdue);
        if (string.Equals(Status, AllStatuses, StringComparison.OrdinalIgnoreCase))
        {
            filter = filter with { All = true };
        }
        else if (Enum.TryParse<RequestStatus>(Status, ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(Status, out _))
        {
            filter = filter with { Status = status };
        }
        else if (!string.IsNullOrEmpty(Status))
        {
            StatusProblem = "Choose a status from the list; showing open requests.";
            Status = null;
        }

        Now = time.GetUtcNow();
        Results = await triage.InboxAsync(
            filter,
            InboxCursor.TryParse(After, out var after) ? after : null,
            InboxCursor.TryParse(Before, out var before) ? before : null,
            cancellationToken);
        SpamCount = await triage.CountSpamAsync(cancellationToken);
        Conditions = await ConditionOptions.ConditionChoices.LoadAsync(store, cancellationToken);
        return Page();
    }

    /// <summary>This list's address with its filters, starting after or before a cursor.</summary>
    public string LinkTo(string direction, InboxCursor cursor)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (!string.IsNullOrEmpty(Status))
        {
            query.Add(new("status", Status));
        }

        if (!string.IsNullOrEmpty(Condition))
        {
            query.Add(new("condition", Condition));
        }

        if (Overdue)
        {
            query.Add(new("overdue", "true"));
        }

        query.Add(new(direction, cursor.ToString()));
        return "/staff" + Microsoft.AspNetCore.Http.QueryString.Create(query);
    }
}
