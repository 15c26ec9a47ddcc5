using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>How delivery reports are gathered into batches, each recorded in one transaction (section <c>Intake:DeliveryReportBatch</c>).</summary>
/// <remarks>
/// MassTransit raises the endpoint's prefetch count and concurrent message limit to <see cref="MessageLimit"/> (its batch
/// options do so for every batch consumer), so a full batch can always be delivered.
/// </remarks>
internal sealed class DeliveryReportBatchOptions
{
    public const string Section = "Intake:DeliveryReportBatch";

    /// <summary>Every report may wait this long before it is recorded: the history staff and auditors read lags by as much.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A batch is one transaction that locks each of its requests' streams until it commits: a staff action on any of
    /// them waits for the whole batch.
    /// </summary>
    public const int MostMessages = 500;

    /// <summary>A batch waits at most this long for more reports after its first one.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A batch is recorded as soon as it holds this many reports.</summary>
    public int MessageLimit { get; set; } = 50;
}

/// <summary>Checked at start: a setting out of range stops the host with its key named.</summary>
internal sealed class DeliveryReportBatchOptionsValidator : IValidateOptions<DeliveryReportBatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryReportBatchOptions options)
    {
        List<string> problems = [];
        if (options.Window <= TimeSpan.Zero || options.Window > DeliveryReportBatchOptions.LongestWindow)
        {
            problems.Add(
                $"{DeliveryReportBatchOptions.Section}:Window = {options.Window:c} must be longer than zero and at most " +
                $"{DeliveryReportBatchOptions.LongestWindow:c}, e.g. 00:00:00.050: every report may wait that long before it is recorded.");
        }

        if (options.MessageLimit is < 1 or > DeliveryReportBatchOptions.MostMessages)
        {
            problems.Add(
                $"{DeliveryReportBatchOptions.Section}:MessageLimit = {options.MessageLimit} must be between 1 and " +
                $"{DeliveryReportBatchOptions.MostMessages}: a batch locks all its requests until it is recorded.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
