using System.Globalization;
using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Triage;

/// <summary>
/// Where a request stands against its response deadlines, from its events: which are set, which are met, and
/// which comes next. The inbox keeps it in its read model; the request page folds it from the history.
/// </summary>
internal sealed record DeadlineProgress(
    DateTimeOffset? AcknowledgeBy,
    DateTimeOffset? FirstContactBy,
    bool Acknowledged,
    bool Contacted,
    bool Finished,
    int Escalations,
    EscalationRaised? LastEscalation)
{
    public static readonly DeadlineProgress None = new(null, null, false, false, false, 0, null);

    public static DeadlineProgress From(IEnumerable<object> facts) => facts.Aggregate(None, (progress, fact) => progress.After(fact));

    /// <summary>The meaning of the deadlines: see docs (ISSUE 12) and <see cref="DeadlineKinds"/>.</summary>
    public DeadlineProgress After(object fact) => fact switch
    {
        ResponseDeadlinesSet set => this with { AcknowledgeBy = set.AcknowledgeBy, FirstContactBy = set.FirstContactBy },
        RequestAcknowledged => this with { Acknowledged = true },
        ContactAttempted or CallScheduled => this with { Acknowledged = true, Contacted = true },
        RequestDeclined or RequestClosed => this with { Acknowledged = true, Contacted = true, Finished = true },
        EscalationRaised raised => this with { Escalations = Escalations + 1, LastEscalation = raised },
        _ => this,
    };

    /// <summary>The earliest deadline not yet met, or null when all are met (or none was set).</summary>
    public (string Kind, DateTimeOffset At)? Next
    {
        get
        {
            (string Kind, DateTimeOffset At)? next = null;
            if (!Acknowledged && AcknowledgeBy is { } acknowledge)
            {
                next = (DeadlineKinds.Acknowledge, acknowledge);
            }

            if (!Contacted && FirstContactBy is { } contact && (next is null || contact < next.Value.At))
            {
                next = (DeadlineKinds.FirstContact, contact);
            }

            return next;
        }
    }

    /// <summary>"acknowledge" → "acknowledgement": what people call each deadline.</summary>
    public static string Describe(string kind) => kind switch
    {
        DeadlineKinds.Acknowledge => "acknowledgement",
        DeadlineKinds.FirstContact => "first contact",
        _ => kind,
    };

    /// <summary>"due in 12 min" or "overdue by 3 h 5 min", from the clock's now.</summary>
    public static string DueText(DateTimeOffset due, DateTimeOffset now) =>
        due > now ? $"due in {Span(due - now)}" : $"overdue by {Span(now - due)}";

    private static string Span(TimeSpan span)
    {
        var minutes = (long)Math.Floor(span.TotalMinutes);
        if (minutes < 1)
        {
            return "under a minute";
        }

        if (minutes < 60)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{minutes} min");
        }

        var hours = minutes / 60;
        if (hours < 48)
        {
            return minutes % 60 == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{hours} h")
                : string.Create(CultureInfo.InvariantCulture, $"{hours} h {minutes % 60} min");
        }

        return hours % 24 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours / 24} days")
            : string.Create(CultureInfo.InvariantCulture, $"{hours / 24} days {hours % 24} h");
    }
}
