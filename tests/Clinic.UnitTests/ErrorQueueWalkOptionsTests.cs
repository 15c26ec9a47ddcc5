using Clinic.Host.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

public sealed class ErrorQueueWalkOptionsTests
{
    private static ServiceProvider Services(params string[] waits)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(waits.Select((wait, i) => new KeyValuePair<string, string?>($"{ErrorQueueWalks.WalkAgainAfterKey}:{i}", wait)))
            .Build();
        return new ServiceCollection().AddErrorQueueErasure(configuration).BuildServiceProvider();
    }

    [Fact]
    public void The_waits_are_read_in_order_and_default_to_seconds_then_minutes()
    {
        using (var services = Services())
        {
            Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)], services.GetRequiredService<IOptions<ErrorQueueWalkOptions>>().Value.Waits);
        }

        using (var services = Services("00:00:02", "00:00:03"))
        {
            Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], services.GetRequiredService<IOptions<ErrorQueueWalkOptions>>().Value.Waits);
        }
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("1.00:00:01")]
    [InlineData("10675199.02:48:05")]
    public void A_wait_not_positive_or_longer_than_a_day_stops_the_host_at_startup_naming_the_key(string wait)
    {
        using var services = Services("00:00:05", wait);

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ErrorQueueWalkOptions>>().Value);
        Assert.Contains(ErrorQueueWalks.WalkAgainAfterKey, refused.Message, StringComparison.Ordinal);
        Assert.Contains("positive", refused.Message, StringComparison.Ordinal);
    }
}
