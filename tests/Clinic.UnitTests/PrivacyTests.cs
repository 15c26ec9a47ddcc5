using Clinic.Modules.Intake.Privacy;
using Microsoft.Extensions.Configuration;

namespace Clinic.UnitTests;

public sealed class RetentionOptionsTests
{
    private static RetentionOptions Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new RetentionOptions();
        options.Read(configuration);
        return options;
    }

    [Fact]
    public void Suspected_spam_is_kept_30_days_unless_set_and_other_outcomes_until_the_clinic_sets_a_period()
    {
        var options = Read();
        Assert.Empty(options.Problems);
        Assert.Equal(TimeSpan.FromDays(30), options.Periods[RetentionOutcomes.SuspectedSpam]);
        Assert.False(options.Periods.ContainsKey(RetentionOutcomes.Closed));
    }

    [Fact]
    public void Periods_are_read_per_outcome()
    {
        var options = Read(("Privacy:Retention:SuspectedSpam", "7.00:00:00"), ("Privacy:Retention:Declined", "365.00:00:00"), ("Privacy:Retention:closed", "730.00:00:00"));
        Assert.Empty(options.Problems);
        Assert.Equal(TimeSpan.FromDays(7), options.Periods[RetentionOutcomes.SuspectedSpam]);
        Assert.Equal(TimeSpan.FromDays(365), options.Periods[RetentionOutcomes.Declined]);
        Assert.Equal(TimeSpan.FromDays(730), options.Periods[RetentionOutcomes.Closed]);
    }

    [Theory]
    [InlineData("Privacy:Retention:Spam", "30.00:00:00", "Privacy:Retention:Spam names no outcome")]
    [InlineData("Privacy:Retention:Declined", "a year", "Privacy:Retention:Declined = 'a year' is not a time span")]
    [InlineData("Privacy:Retention:Closed", "-1.00:00:00", "must be longer than zero")]
    [InlineData("Privacy:Retention:Closed", "00:00:00", "must be longer than zero")]
    public void Nonsense_is_a_start_up_error_naming_the_key(string key, string value, string expected)
    {
        var problem = Assert.Single(Read((key, value)).Problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.True(new RetentionOptionsValidator().Validate(null, Read((key, value))).Failed);
    }
}

public sealed class ErasureJournalTests
{
    private static ErasureJournalEntry Entry(Guid id, string stage) => new(id, stage, "request", "ada", "bo", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Lines_survive_a_reopening_and_a_torn_last_line_is_skipped()
    {
        var path = Path.Combine(Path.GetTempPath(), $"journal-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
            await new ErasureJournal(path).AppendAsync(Entry(a, ErasureJournal.Erasing), default);
            await new ErasureJournal(path).AppendAsync(Entry(a, ErasureJournal.Purged), default);
            await new ErasureJournal(path).AppendAsync(Entry(b, ErasureJournal.Erasing), default);
            await File.AppendAllTextAsync(path, "{\"requestId\":\"" + Guid.NewGuid());

            var pending = ErasureJournalReplay.Pending(await new ErasureJournal(path).ReadAsync(default));
            Assert.Equal([(a, true), (b, false)], pending.Select(p => (p.Entry.RequestId, p.Purged)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_erasure_cancelled_by_a_hold_before_it_began_is_not_re_applied()
    {
        var id = Guid.NewGuid();
        Assert.Empty(ErasureJournalReplay.Pending([Entry(id, ErasureJournal.Erasing), Entry(id, "cancelled-held")]));
    }
}
