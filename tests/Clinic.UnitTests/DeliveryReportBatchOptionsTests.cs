using System.Globalization;
using Clinic.Modules.Intake.RecordStaffNotification;

namespace Clinic.UnitTests;

public sealed class DeliveryReportBatchOptionsTests
{
    private static readonly DeliveryReportBatchOptionsValidator Validator = new();

    [Fact]
    public void The_defaults_are_accepted() => Assert.True(Validator.Validate(null, new DeliveryReportBatchOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00.001", 1)]
    [InlineData("00:00:10", 500)]
    public void Settings_at_the_bounds_are_accepted(string window, int messageLimit) =>
        Assert.True(Validator.Validate(null, new DeliveryReportBatchOptions { Window = TimeSpan.Parse(window, CultureInfo.InvariantCulture), MessageLimit = messageLimit }).Succeeded);

    [Theory]
    [InlineData("00:00:00", "Intake:DeliveryReportBatch:Window = 00:00:00 must be longer than zero and at most 00:00:10")]
    [InlineData("-00:00:01", "Intake:DeliveryReportBatch:Window = -00:00:01 must be longer than zero")]
    // Every report would wait a minute before it is recorded.
    [InlineData("00:01:00", "Intake:DeliveryReportBatch:Window = 00:01:00 must be longer than zero and at most 00:00:10")]
    public void A_window_that_is_not_positive_or_longer_than_ten_seconds_stops_the_start_naming_its_key(string window, string message)
    {
        var result = Validator.Validate(null, new DeliveryReportBatchOptions { Window = TimeSpan.Parse(window, CultureInfo.InvariantCulture) });
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    // One transaction would lock thousands of requests until it commits.
    [InlineData(501)]
    [InlineData(100_000)]
    public void A_message_limit_below_one_or_above_five_hundred_stops_the_start_naming_its_key(int messageLimit)
    {
        var result = Validator.Validate(null, new DeliveryReportBatchOptions { MessageLimit = messageLimit });
        Assert.True(result.Failed);
        Assert.Contains($"Intake:DeliveryReportBatch:MessageLimit = {messageLimit} must be between 1 and 500", result.FailureMessage, StringComparison.Ordinal);
    }
}
