using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// How long a request's personal data is kept after it reached each outcome (<c>Privacy:Retention:&lt;outcome&gt;</c>,
/// a time span); an outcome without a period is kept until the clinic sets one. Suspected spam: 30 days unless set.
/// Read and checked at start: a typo in an outcome's name or a period that is not a positive time span stops the host
/// with the key named, rather than keeping data forever or erasing it at once.
/// </summary>
internal sealed class RetentionOptions
{
    public const string Section = "Privacy:Retention";
    public static readonly TimeSpan DefaultSuspectedSpam = TimeSpan.FromDays(30);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(365 * 100);

    public Dictionary<string, TimeSpan> Periods { get; } = new(StringComparer.Ordinal) { [RetentionOutcomes.SuspectedSpam] = DefaultSuspectedSpam };

    public List<string> Problems { get; } = [];

    public void Read(IConfiguration configuration)
    {
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var key = $"{Section}:{child.Key}";
            var outcome = RetentionOutcomes.All.FirstOrDefault(o => string.Equals(o, child.Key, StringComparison.OrdinalIgnoreCase));
            if (outcome is null)
            {
                Problems.Add($"{key} names no outcome: use {string.Join(", ", RetentionOutcomes.All)}.");
            }
            else if (!TimeSpan.TryParse(child.Value, CultureInfo.InvariantCulture, out var period))
            {
                Problems.Add($"{key} = '{child.Value}' is not a time span: write days.hours:minutes:seconds, e.g. 30.00:00:00 for 30 days.");
            }
            else if (period <= TimeSpan.Zero || period > Longest)
            {
                Problems.Add($"{key} = '{child.Value}' must be longer than zero and at most 100 years.");
            }
            else
            {
                Periods[outcome] = period;
            }
        }
    }
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);
}
