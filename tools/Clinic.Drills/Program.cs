using System.Globalization;
using System.Text;
using System.Text.Json;
using Clinic.Drills.Infrastructure;
using Clinic.Drills.Reliability;

// Fire drills and benchmarks for the intake pipeline, run against the published host and real services.
//   Clinic.Drills reliability [--only name,name] [--host path/to/Clinic.Host.dll] [--out dir]
//   Clinic.Drills bench [--quick] [--events N] [--keep] [--profile] [--host path/to/Clinic.Host.dll] [--out dir]
//   Clinic.Drills counts [--requests N] [--rate R] [--feed] [--host path/to/Clinic.Host.dll] [--out dir]
//   Clinic.Drills pipeline-cpu [--env NAME=VALUE]... [--repeats N] [--host path/to/Clinic.Host.dll]
//   Clinic.Drills rss [--label NAME] [--env NAME=VALUE]... [--submit-seconds N] [--page-seconds N] [--metrics file] [--host Clinic.Host.dll]
//   Clinic.Drills content --before before/Clinic.Host.dll --after after/Clinic.Host.dll [--baseline NAME] [--rounds N]
//   Clinic.Drills profile [--rate R] [--seconds N] [--host path/to/Clinic.Host.dll] [--out dir]
//   Clinic.Drills bench-spread run1/bench.json run2/bench.json run3/bench.json [--out spread.md]
//   Clinic.Drills matcher [--repeats N]   (the crisis matcher's memory and CPU, in-process; needs no services)
//   Clinic.Drills image-env   (deploy/Dockerfile's ENV DOTNET_ and MALLOC_ settings as NAME=VALUE lines, for ./clinic run)
// Services come from CLINIC_TEST_POSTGRES and CLINIC_TEST_RABBITMQ (./clinic writes them). The drill
// stops and restarts RabbitMQ and PostgreSQL and the bench loads the machine: run each alone.
var arguments = args.ToList();
if (arguments.FirstOrDefault() is not ("reliability" or "bench" or "counts" or "bench-spread" or "profile" or "matcher" or "pipeline-cpu" or "rss" or "content" or "image-env"))
{
    Console.Error.WriteLine("usage: Clinic.Drills reliability [--only name,...] [--host Clinic.Host.dll] [--out dir]");
    Console.Error.WriteLine("       Clinic.Drills bench [--quick] [--events N] [--keep] [--profile] [--host Clinic.Host.dll] [--out dir]");
    Console.Error.WriteLine("       Clinic.Drills counts [--requests N] [--rate R] [--feed] [--host Clinic.Host.dll] [--out dir]");
    Console.Error.WriteLine("       Clinic.Drills content --before Clinic.Host.dll --after Clinic.Host.dll [--baseline NAME] [--rounds N] [--out dir]");
    Console.Error.WriteLine("       Clinic.Drills profile [--rate R] [--seconds N] [--host Clinic.Host.dll] [--out dir]");
    Console.Error.WriteLine("       Clinic.Drills bench-spread run1/bench.json run2/bench.json run3/bench.json [--out spread.md]");
    Console.Error.WriteLine("       Clinic.Drills matcher [--repeats N]");
    Console.Error.WriteLine("       Clinic.Drills image-env");
    Console.Error.WriteLine("       Clinic.Drills pipeline-cpu [--env NAME=VALUE]... [--repeats N] [--host Clinic.Host.dll] [--out dir]");
    Console.Error.WriteLine("       Clinic.Drills rss [--label NAME] [--env NAME=VALUE]... [--submit-seconds N] [--page-seconds N] [--metrics file]");
    Console.Error.WriteLine("                         [--host Clinic.Host.dll] [--out dir]");
    Console.Error.WriteLine("scenarios: " + string.Join(", ", Scenarios.All.Select(s => s.Name)));
    return 2;
}

string? Option(string name) => arguments.IndexOf(name) is var i and >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : null;
TimeSpan Seconds(string name, int byDefault) => TimeSpan.FromSeconds(int.Parse(Option(name) ?? byDefault.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
string Required(string variable) => Environment.GetEnvironmentVariable(variable)
    ?? throw new InvalidOperationException($"{variable} is not set; run through ./clinic reliability.");

void Progress(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
DrillSettings Settings(string defaultOutput)
{
    var chosen = new DrillSettings(
        Required("CLINIC_TEST_POSTGRES"),
        new Uri(Required("CLINIC_TEST_RABBITMQ")),
        Path.GetFullPath(Option("--host") ?? "artifacts/host/Clinic.Host.dll"),
        Path.GetFullPath(Option("--out") ?? defaultOutput));
    Directory.CreateDirectory(chosen.OutputDirectory);
    return chosen;
}

// The table on the console, and the same as Markdown plus every number as JSON beside it.
async Task WriteAsync(string directory, string name, string markdown, object results)
{
    Console.WriteLine();
    Console.WriteLine(markdown);
    await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), markdown);
    await File.WriteAllTextAsync(
        Path.Combine(directory, name + ".json"),
        // A measure with no valid sample is NaN: written as "NaN" rather than aborting the run after its table.
        JsonSerializer.Serialize(results, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
}

if (arguments[0] == "image-env")
{
    // ./clinic run exports these, so the site it runs gets the image's runtime settings read as the drills read them.
    try
    {
        foreach (var (name, value) in ImageRuntimeSettings.Load())
        {
            Console.WriteLine($"{name}={value}");
        }
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }

    return 0;
}

if (arguments[0] == "bench")
{
    var benchSettings = Settings("artifacts/bench");
    var quick = arguments.Contains("--quick");
    var events = long.Parse(Option("--events") ?? (quick ? "100000" : "1000000"), CultureInfo.InvariantCulture);
    var report = await Clinic.Drills.Bench.BenchRun.RunAsync(benchSettings, new(quick, events, arguments.Contains("--keep"), WordPress: !arguments.Contains("--no-wordpress"), Profile: arguments.Contains("--profile")), Progress);
    await WriteAsync(benchSettings.OutputDirectory, "bench", report.Markdown(), report);
    Console.WriteLine($"Written to {benchSettings.OutputDirectory}/bench.{{md,json}}; host logs under {benchSettings.OutputDirectory}/bench/.");
    Console.WriteLine($"Targets met: {report.Rows.Count(r => r.Met == true)} of {report.Rows.Count(r => r.Met is not null)}; issue 16's: {report.Targets.Count(r => r.Met == true)} of {report.Targets.Count}.");
    // Missed targets are findings, printed above; only a bench that could not finish is a failure.
    return report.Rows.Any(r => r.Measure == Clinic.Drills.Bench.BenchRun.StoppedEarly) ? 1 : 0;
}

if (arguments[0] == "bench-spread")
{
    // The spread over several bench runs (docs/benchmarks.md): reads their bench.json files, needs no services.
    var files = arguments.Skip(1).TakeWhile(a => a != "--out").ToList();
    if (files.Count < 2)
    {
        Console.Error.WriteLine("bench-spread needs two or more bench.json files (issue 16 asks for three runs).");
        return 2;
    }

    var spread = Clinic.Drills.Bench.BenchSpread.Markdown(
        [.. files.Select((file, i) => Clinic.Drills.Bench.BenchSpread.Read($"run {i + 1}", File.ReadAllText(file)))]);
    Console.WriteLine(spread);
    if (Option("--out") is { } spreadFile)
    {
        await File.WriteAllTextAsync(spreadFile, spread);
    }

    return 0;
}

if (arguments[0] == "matcher")
{
    Console.WriteLine(Clinic.Drills.Bench.MatcherCost.Run(int.Parse(Option("--repeats") ?? "20", CultureInfo.InvariantCulture)));
    return 0;
}

if (arguments[0] is "pipeline-cpu" or "rss")
{
    IReadOnlyDictionary<string, string> extra;
    try
    {
        extra = Clinic.Drills.Bench.ExtraHostEnvironment.Parse(arguments);
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    var drillSettings = Settings("artifacts/bench");
    if (arguments[0] == "rss")
    {
        // The host's memory at start and after a fixed load (docs/benchmarks.md), without the bench.
        var label = Option("--label") ?? Path.GetFileName(Path.GetDirectoryName(drillSettings.HostDll))!;
        Console.WriteLine(await Clinic.Drills.Bench.HostMemory.RunAsync(
            drillSettings,
            new(
                label,
                extra,
                Submissions: Seconds("--submit-seconds", 15),
                PageReads: Seconds("--page-seconds", 10),
                MetricsFile: Option("--metrics") is { } metrics ? Path.GetFullPath(metrics) : null),
            Progress));
        return 0;
    }

    // Prices a runtime setting or build against another (docs/benchmarks.md): the bench's pipeline phase alone.
    Console.WriteLine(await Clinic.Drills.Bench.PipelineCpu.RunAsync(
        drillSettings, extra, int.Parse(Option("--repeats") ?? "2", CultureInfo.InvariantCulture), Progress));
    return 0;
}

if (arguments[0] == "content")
{
    // The condition page of two published builds side by side (docs/benchmarks.md, issue 15).
    if (Option("--before") is not { } beforeDll || Option("--after") is not { } afterDll)
    {
        Console.Error.WriteLine("content needs --before and --after, each a published Clinic.Host.dll.");
        return 2;
    }

    beforeDll = Path.GetFullPath(beforeDll);
    Console.WriteLine(await Clinic.Drills.Bench.ContentBeforeAfter.RunAsync(
        Settings("artifacts/bench"),
        beforeDll,
        Path.GetFullPath(afterDll),
        Option("--baseline") ?? Path.GetFileName(Path.GetDirectoryName(beforeDll))!,
        int.Parse(Option("--rounds") ?? "3", CultureInfo.InvariantCulture),
        Progress));
    return 0;
}

if (arguments[0] == "profile")
{
    // Where the pipeline's CPU goes (docs/benchmarks.md): perf over submissions that e-mail staff, summarised.
    var profileSettings = Settings("artifacts/bench");
    var summary = await Clinic.Drills.Bench.ProfileRun.RunAsync(
        profileSettings,
        int.Parse(Option("--rate") ?? "100", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "15", CultureInfo.InvariantCulture)),
        Progress);
    Console.WriteLine();
    Console.WriteLine(await File.ReadAllTextAsync(summary));
    Console.WriteLine($"Written to {Path.GetDirectoryName(summary)}/{{summary.txt,perf.folded,perf.data}}.");
    return 0;
}

if (arguments[0] == "counts")
{
    // Where each request's cost goes (docs/benchmarks.md): counts per request through counting relays.
    var countsSettings = Settings("artifacts/counts");
    var counts = await Clinic.Drills.Bench.PipelineCounts.RunAsync(
        countsSettings,
        new(int.Parse(Option("--requests") ?? "200", CultureInfo.InvariantCulture), double.Parse(Option("--rate") ?? "10", CultureInfo.InvariantCulture), arguments.Contains("--feed")),
        Progress);
    Console.WriteLine();
    Console.WriteLine(counts);
    await File.WriteAllTextAsync(Path.Combine(countsSettings.OutputDirectory, "counts.md"), counts);
    return 0;
}

var only = Option("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var unknown = only?.Except(Scenarios.All.Select(s => s.Name)).ToList();
if (unknown is { Count: > 0 })
{
    Console.Error.WriteLine($"unknown scenario(s): {string.Join(", ", unknown)}");
    return 2;
}

var settings = Settings("artifacts/drills");

var results = new List<ScenarioResult>();
foreach (var scenario in Scenarios.All.Where(s => only is null || only.Contains(s.Name)))
{
    Progress($"{scenario.Title}: starting");
    ScenarioResult result;
    try
    {
        result = await scenario.RunAsync(settings, Progress);
    }
    catch (Exception e)
    {
        result = new ScenarioResult(scenario.Name, scenario.Title, scenario.MustHold, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, [], [$"the drill itself failed: {e.Message}"]);
    }

    results.Add(result);
    Progress($"{scenario.Title}: {(result.Passed ? "PASS" : "FAIL " + string.Join("; ", result.Failures))}");
}

await WriteAsync(settings.OutputDirectory, "reliability", Report.Markdown(results), results);
Console.WriteLine($"Written to {settings.OutputDirectory}/reliability.{{md,json}}; host logs and mail under {settings.OutputDirectory}/<scenario>/.");
return results.All(r => r.Passed) ? 0 : 1;

internal static class Report
{
    public static string Markdown(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | Offered | Accepted | Notified / owed | Lost | Duplicates | Same-id re-sends | 503 answers | Other errors | Time | Result |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Title} | {r.Offered} | {r.Accepted} | {r.Notified} / {r.Expected} | {r.Lost} | {r.Duplicates} | {r.ResentSameId} | {r.Refused} | {r.Errors} | {r.Seconds:0} s | {(r.Passed ? "pass" : "**FAIL**")} |");
        }

        text.AppendLine();
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Title}** — must hold: {r.MustHold}.");
            foreach (var line in r.Observations.Concat(r.Failures.Select(f => "FAILED: " + f)))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {line}");
            }
        }

        return text.ToString();
    }
}
