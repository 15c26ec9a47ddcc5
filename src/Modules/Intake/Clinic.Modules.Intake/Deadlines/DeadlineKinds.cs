namespace Clinic.Modules.Intake.Deadlines;

/// <summary>The deadlines a request has, as named in <see cref="Domain.EscalationRaised.Deadline"/>.</summary>
internal static class DeadlineKinds
{
    public const string Acknowledge = "acknowledge";
    public const string FirstContact = "first-contact";
    public static readonly string[] All = [Acknowledge, FirstContact];
}
