using Clinic.Drills.Bench;

namespace Clinic.UnitTests;

/// <summary>
/// The rss command's pure parts: the resident split read from /proc as measure-rss.sh read it (its figures stay in
/// docs/benchmarks.md), and the --env settings the measuring commands take.
/// </summary>
public sealed class BenchHostMemoryTests
{
    private const string Status = "Name:\tdotnet\nVmPeak:\t 3000000 kB\nVmHWM:\t  280000 kB\nVmRSS:\t  272384 kB\nThreads:\t42\n";

    // One mapping of each kind, as /proc/<pid>/smaps lists them (most per-mapping fields left out).
    private const string Smaps = """
        55f897cee000-55f897cf0000 r--p 00000000 fe:00 247629                     /usr/share/dotnet/dotnet
        Size:                  8 kB
        Rss:                2048 kB
        Pss:                2048 kB
        VmFlags: rd mr mw me
        7f0000000000-7f0000100000 rw-p 00000000 00:00 0
        Size:               4096 kB
        Rss:                3072 kB
        55f898000000-55f898100000 rw-p 00000000 00:00 0                          [heap]
        Rss:                1024 kB
        7f1000000000-7f1000100000 rw-p 00000000 00:00 0                          [anon:dotnet-gc]
        Rss:                 512 kB
        7f2000000000-7f2000500000 r-xs 00000000 00:01 1234                       /memfd:doublemapper (deleted)
        Rss:                5120 kB
        7f3000000000-7f3000100000 rw-s 00000000 00:01 99                         /dev/shm/clinic cache (deleted)
        Rss:                1536 kB
        7ffc00000000-7ffc00100000 rw-p 00000000 00:00 0                          [stack]
        Rss:                 700 kB
        ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
        Rss:                 400 kB
        """;

    [Fact]
    public void Resident_pages_split_into_anonymous_file_backed_the_JITs_double_mapping_and_the_rest()
    {
        var memory = ResidentMemory.Parse(Status, Smaps);

        Assert.Equal(new ResidentMemory(ResidentKb: 272_384, PeakKb: 280_000, AnonymousKb: 4_608, FileKb: 3_584, DoubleMapperKb: 5_120, OtherKb: 1_100), memory);
    }

    [Fact]
    public void A_sample_prints_as_the_script_did_in_whole_megabytes_rounded_down()
    {
        // What measure-rss.sh's printf and awk print for the same /proc text.
        Assert.Equal(
            "r2r        start  RSS  266 MB  HWM  273 MB  (anon 4 MB, file 3 MB, doublemapper 5 MB, other 1 MB)  CPU 18.50s total (start-up 18.50 s)",
            ResidentMemory.Parse(Status, Smaps).Line("r2r", "start", 18.5, " (start-up 18.50 s)"));
    }

    [Fact]
    public void A_status_without_the_resident_size_is_an_error_rather_than_zero()
    {
        Assert.Throws<FormatException>(() => ResidentMemory.Parse("Name:\tdotnet\n", Smaps));
    }

    [Fact]
    public void Each_env_argument_is_one_setting_and_its_value_may_hold_equals_signs()
    {
        var settings = ExtraHostEnvironment.Parse(["rss", "--label", "pgo-off", "--env", "DOTNET_TieredPGO=0", "--env", "Logging__Filter=a=b", "--env", "EMPTY="]);

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0", ["Logging__Filter"] = "a=b", ["EMPTY"] = "" }, new Dictionary<string, string>(settings));
        Assert.Equal("DOTNET_TieredPGO=0, Logging__Filter=a=b, EMPTY=", ExtraHostEnvironment.Describe(settings));
        Assert.Equal("none", ExtraHostEnvironment.Describe(ExtraHostEnvironment.Parse(["rss"])));
    }

    [Fact]
    public void A_report_header_names_a_connection_string_setting_without_its_password()
    {
        var settings = ExtraHostEnvironment.Parse(["pipeline-cpu", "--env", "ConnectionStrings__Postgres=Host=127.0.0.1;Password=s3cret;SSL Mode=Disable"]);

        var header = ExtraHostEnvironment.Describe(settings);

        Assert.DoesNotContain("s3cret", header, StringComparison.Ordinal);
        Assert.Contains("SSL Mode=Disable", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RabbitMq__Uri=amqp://clinic:s3cret@127.0.0.1:5672/clinic-bench", "RabbitMq__Uri=amqp://clinic:***@127.0.0.1:5672/clinic-bench")]
    [InlineData("smtp__password=s3cret", "smtp__password=***")]
    [InlineData("Webhooks__Secrets__0=whsec_s3cret", "Webhooks__Secrets__0=***")]
    [InlineData("Maps__ApiKey=s3cret", "Maps__ApiKey=***")]
    [InlineData("Relay__AccessTOKEN=s3cret", "Relay__AccessTOKEN=***")]
    [InlineData("ConnectionStrings__Postgres=Host=127.0.0.1;SSL Key=s3cret; client_secret=s3cret;SSL Mode=Disable", "ConnectionStrings__Postgres=Host=127.0.0.1;SSL Key=***; client_secret=***;SSL Mode=Disable")]
    [InlineData("ConnectionStrings__Bus=Endpoint=sb://bus/;SharedAccessKey=s3cret;token=s3cret", "ConnectionStrings__Bus=Endpoint=sb://bus/;SharedAccessKey=***;token=***")]
    [InlineData("Notifications__SiteBaseUrl=http://127.0.0.1:8080/staff", "Notifications__SiteBaseUrl=http://127.0.0.1:8080/staff")]
    public void A_report_header_hides_a_uri_password_and_any_setting_or_connection_string_key_named_as_a_secret(string setting, string header)
    {
        Assert.Equal(header, ExtraHostEnvironment.Describe(ExtraHostEnvironment.Parse(["rss", "--env", setting])));
    }

    [Fact]
    public void An_env_setting_naming_one_of_the_bench_settings_replaces_its_value_and_the_others_stay()
    {
        var bench = new Dictionary<string, string>
        {
            ["Notifications__Routing__Routine__1__Channel"] = "feed",
            ["Notifications__Routing__Urgent__1__Channel"] = "feed",
        };
        var extra = ExtraHostEnvironment.Parse(["pipeline-cpu", "--env", "Notifications__Routing__Routine__1__Channel=webhook", "--env", "DOTNET_TieredPGO=0"]);

        var environment = ExtraHostEnvironment.Over(bench, extra);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Notifications__Routing__Routine__1__Channel"] = "webhook",
                ["Notifications__Routing__Urgent__1__Channel"] = "feed",
                ["DOTNET_TieredPGO"] = "0",
            },
            environment);
    }

    [Theory]
    [InlineData("rss --env DOTNET_TieredPGO")]
    [InlineData("rss --env =0")]
    [InlineData("rss --env")]
    [InlineData("rss --env A=1 --env A=2")]
    public void A_malformed_or_repeated_env_setting_is_refused(string arguments)
    {
        Assert.Throws<FormatException>(() => ExtraHostEnvironment.Parse(arguments.Split(' ')));
    }
}
