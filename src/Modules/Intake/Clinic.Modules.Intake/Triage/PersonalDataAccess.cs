using Marten;

namespace Clinic.Modules.Intake.Triage;

/// <summary>A record that someone saw a request's personal data: who, which request, when, where.</summary>
public sealed class PersonalDataAccess
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public string Reference { get; set; } = "";
    public string ViewedBy { get; set; } = "";
    public string Page { get; set; } = "";
    public DateTimeOffset ViewedAt { get; set; }

    /// <summary>Adds the record to the session's unit of work: it is saved with whatever else the session saves.</summary>
    /// <param name="requestId">Empty when the page showed many requests (an export).</param>
    internal static void Record(IDocumentSession session, Guid requestId, string reference, string viewer, string page, DateTimeOffset at) =>
        session.Insert(new PersonalDataAccess { Id = Guid.CreateVersion7(), RequestId = requestId, Reference = reference, ViewedBy = viewer, Page = page, ViewedAt = at });
}
