using System.Linq.Expressions;
using Marten;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>
/// The inbox's columns and indexes. Each list the inbox shows filters on equality columns and pages in one order
/// (urgent, newest, id: all descending, read as a backward index scan), so each has an index whose leading columns
/// are its filters and whose trailing columns are that order: PostgreSQL reads a page straight off the index,
/// starting at the cursor, however many requests are stored.
/// </summary>
internal static class InboxIndexes
{
    /// <remarks>
    /// The columns are nullable so they can be added to a table that already holds entries; entries written before
    /// these columns existed lack IsOpen and the deadlines until `migrate` (or an audit replay) rebuilds them.
    /// </remarks>
    public static void Configure(StoreOptions options)
    {
        var inbox = options.Schema.For<InboxEntry>();

        // The spam count reads a small partial index of the suspected spam alone.
        inbox.Duplicate(e => e.IsSuspectedSpam, configure: i => i.Predicate = "is_suspected_spam");
        // "Overdue only" when few are overdue: the pending deadlines alone, by due time.
        inbox.Duplicate(e => e.DueAt, configure: i => i.Predicate = "due_at is not null");
        // Columns for the composite indexes below; their own single-column indexes are small (partial) or cheap.
        inbox.Duplicate(e => e.IsOpen, configure: i => i.Predicate = "is_open");
        inbox.Duplicate(e => e.IsUrgent, configure: i => i.Predicate = "is_urgent");
        inbox.Duplicate(e => e.SubmittedAt);
        inbox.Duplicate(e => e.Status);

        // Open requests (the default list, and "overdue only" when many are overdue). Partial, so it holds only the
        // open ones: PostgreSQL prefers it to filtering the every-request index below, which on the last page of open
        // requests would read through every closed request to find there is no more.
        inbox.Index(Columns(e => e.IsSuspectedSpam, e => e.IsUrgent, e => e.SubmittedAt, e => e.Id), i =>
        {
            i.Name = "mt_doc_inboxentry_idx_open_page";
            i.Predicate = "is_open";
        });
        // One status.
        inbox.Index(Columns(e => e.IsSuspectedSpam, e => e.Status, e => e.IsUrgent, e => e.SubmittedAt, e => e.Id), i => i.Name = "mt_doc_inboxentry_idx_status_page");
        // Every request, and the spam folder.
        inbox.Index(Columns(e => e.IsSuspectedSpam, e => e.IsUrgent, e => e.SubmittedAt, e => e.Id), i => i.Name = "mt_doc_inboxentry_idx_all_page");
    }

    private static Expression<Func<InboxEntry, object>>[] Columns(params Expression<Func<InboxEntry, object>>[] members) => members;
}
