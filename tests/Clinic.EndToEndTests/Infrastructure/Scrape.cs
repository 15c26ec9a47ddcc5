using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>One scrape of /metrics in Prometheus' text format, read just well enough to add up samples.</summary>
internal sealed partial class Scrape(string text)
{
    public string Text => text;

    /// <summary>The samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IReadOnlyList<double> Samples(string name, params (string Label, string Value)[] labels) =>
        [.. text.Split('\n')
            .Select(line => Sample().Match(line.TrimEnd('\r')))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m =>
            {
                var present = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value);
                return labels.All(l => present.TryGetValue(l.Label, out var value) && value == l.Value);
            })
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))];

    /// <summary>Their sum: 0 for a counter no one has used yet (it is not in the output until then).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Samples(name, labels).Sum();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\S+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

internal static class Scraping
{
    /// <summary>Scrapes /metrics as the clinic's Prometheus would: with the scrape token.</summary>
    public static async Task<Scrape> ScrapeAsync(this ClinicFixture clinic)
    {
        using var scraper = clinic.CreateBrowser();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clinic.MetricsScrapeToken);
        using var response = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }
}
