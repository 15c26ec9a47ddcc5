using Marten.Schema;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>
/// Who is on call: a weekly rotation of hand-overs in clinic time (each lasts until the next, wrapping round the
/// week), overrides for holiday cover and swaps, and the clinic lead. One per clinic; admins edit it. Holds staff
/// names and work addresses only. Public only for Marten's generated storage code.
/// </summary>
public sealed class OnCallSchedule
{
    public const string ClinicId = "clinic";

    public string Id { get; set; } = ClinicId;

    public List<OnCallHandOver> Rotation { get; set; } = [];

    public List<OnCallOverride> Overrides { get; set; } = [];

    public OnCallPerson? Lead { get; set; }

    /// <summary>Marten's concurrency token: a save fails if another admin saved the schedule since it was shown.</summary>
    [Version]
    public Guid Revision { get; set; }

    public string? UpdatedBy { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

public sealed record OnCallPerson(string Name, string Email);

/// <summary>At <see cref="At"/> (clinic time) on <see cref="Day"/>, <see cref="Person"/> takes over until the next hand-over.</summary>
public sealed record OnCallHandOver(DayOfWeek Day, TimeOnly At, OnCallPerson Person);

/// <summary>From <see cref="From"/> until <see cref="Until"/>, <see cref="Person"/> is on call whatever the rotation says.</summary>
/// <param name="Reason">"Holiday cover", "swap with Sam": shown to staff.</param>
public sealed record OnCallOverride(DateTimeOffset From, DateTimeOffset Until, OnCallPerson Person, string Reason);
