namespace Clinic.Modules.Intake.Deadlines;

/// <summary>Intake:ResponsePolicy: how soon staff must respond, in the clinic's time zone and hours, and who is told when they do not.</summary>
internal sealed class ResponsePolicyOptions
{
    public const string Section = "Intake:ResponsePolicy";

    /// <summary>IANA time zone of the clinic ("America/New_York"): business hours, holidays and every time shown to people.</summary>
    public string TimeZone { get; set; } = "America/New_York";

    /// <summary>What visitors call that zone, in sentences such as "by Tuesday 1 December, 10:00 a.m. (Eastern Time)".</summary>
    public string TimeZoneName { get; set; } = "Eastern Time";

    public BusinessHoursOptions BusinessHours { get; set; } = new();

    /// <summary>Dates (yyyy-MM-dd, clinic time) on which the clinic is closed all day.</summary>
    public List<string> Holidays { get; set; } = [];

    public UrgencyPolicy Urgent { get; set; } = new()
    {
        Acknowledge = new() { Within = TimeSpan.FromMinutes(15), Clock = DeadlineClock.Always },
        FirstContact = new() { Within = TimeSpan.FromHours(1), Clock = DeadlineClock.Always },
    };

    public UrgencyPolicy Routine { get; set; } = new()
    {
        Acknowledge = new() { Within = TimeSpan.FromHours(4), Clock = DeadlineClock.BusinessHours },
        FirstContact = new() { Within = TimeSpan.FromHours(8), Clock = DeadlineClock.BusinessHours },
    };

    /// <summary>Who is alerted when the on-call schedule names nobody (e-mail addresses): escalation never goes to no one.</summary>
    public List<string> Fallback { get; set; } = [];

    /// <summary>
    /// The configuration binder adds configured list items to whatever a list already holds, so a configured chain
    /// would follow the default one instead of replacing it: list defaults are filled in after binding, where empty.
    /// </summary>
    public void FillListDefaults()
    {
        if (Urgent.Escalation.Count == 0)
        {
            Urgent.Escalation =
            [
                new() { After = TimeSpan.Zero, Notify = [EscalationTargets.OnCall] },
                new() { After = TimeSpan.FromMinutes(10), Notify = [EscalationTargets.NextOnCall, EscalationTargets.ClinicLead] },
            ];
        }

        if (Routine.Escalation.Count == 0)
        {
            Routine.Escalation =
            [
                new() { After = TimeSpan.Zero, Notify = [EscalationTargets.OnCall] },
                new() { After = TimeSpan.FromHours(2), Notify = [EscalationTargets.ClinicLead] },
            ];
        }

        if (Fallback.Count == 0)
        {
            Fallback = ["on-call@clinic.invalid"];
        }

        if (BusinessHours.Days.Count == 0)
        {
            BusinessHours.Days = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
        }
    }
}

internal sealed class BusinessHoursOptions
{
    /// <summary>Monday to Friday unless configured (see <see cref="ResponsePolicyOptions.FillListDefaults"/>).</summary>
    public List<DayOfWeek> Days { get; set; } = [];

    public TimeOnly Opens { get; set; } = new(9, 0);

    public TimeOnly Closes { get; set; } = new(17, 0);
}

internal sealed class UrgencyPolicy
{
    public DeadlineRule Acknowledge { get; set; } = new();

    public DeadlineRule FirstContact { get; set; } = new();

    /// <summary>The chain run for each missed deadline, in order; step 1 usually at the deadline itself.</summary>
    public List<EscalationStepOptions> Escalation { get; set; } = [];
}

internal enum DeadlineClock
{
    /// <summary>Every minute counts, nights, weekends and holidays included.</summary>
    Always,

    /// <summary>Only minutes inside business hours on working days count.</summary>
    BusinessHours,
}

internal sealed class DeadlineRule
{
    public TimeSpan Within { get; set; } = TimeSpan.FromHours(8);

    public DeadlineClock Clock { get; set; } = DeadlineClock.BusinessHours;
}

internal sealed class EscalationStepOptions
{
    /// <summary>How long after the missed deadline this step fires (wall-clock time).</summary>
    public TimeSpan After { get; set; }

    /// <summary><see cref="EscalationTargets"/> names or staff e-mail addresses.</summary>
    public List<string> Notify { get; set; } = [];
}

/// <summary>Who an escalation step may name, resolved from the on-call schedule when the step fires.</summary>
internal static class EscalationTargets
{
    public const string OnCall = "on-call";
    public const string NextOnCall = "next-on-call";
    public const string ClinicLead = "clinic-lead";
    public static readonly string[] All = [OnCall, NextOnCall, ClinicLead];
}
