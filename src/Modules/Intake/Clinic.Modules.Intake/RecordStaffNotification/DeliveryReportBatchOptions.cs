namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>How delivery reports are gathered into batches, each recorded in one transaction (section <c>Intake:DeliveryReportBatch</c>).</summary>
internal sealed class DeliveryReportBatchOptions
{
    public const string Section = "Intake:DeliveryReportBatch";

    /// <summary>A batch waits at most this long for more reports after its first one.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A batch is recorded as soon as it holds this many reports.</summary>
    public int MessageLimit { get; set; } = 50;
}
