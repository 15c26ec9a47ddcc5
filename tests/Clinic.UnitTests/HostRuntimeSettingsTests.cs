using System.Reflection;
using System.Text.Json;
using Clinic.Drills.Infrastructure;

namespace Clinic.UnitTests;

/// <summary>
/// The host's runtime settings as the build writes them into Clinic.Host.runtimeconfig.json (copied beside the
/// tests): what the runtime reads at start, whatever the project file meant to say.
/// </summary>
public sealed class HostRuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Clinic.Host.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Host_runs_workstation_garbage_collection()
    {
        // Server GC keeps a heap and a large allocation budget per core: on the clinic's two-core machines
        // it costs memory and CPU (docs/adr/0005-workstation-gc.md).
        Assert.True(ConfigProperties().TryGetProperty("System.GC.Server", out var server), "System.GC.Server is not set: the web SDK's default (server GC) applies");
        Assert.False(server.GetBoolean());
    }

    [Fact]
    public void Host_is_not_published_ready_to_run()
    {
        // Precompiled assemblies are larger, and their mapped pages raised the host's peak memory by more than the
        // JIT they spare (docs/benchmarks.md); turning it back on should come with a bench run that shows it pays.
        var setting = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "PublishReadyToRun");
        Assert.NotNull(setting);
        Assert.Equal("false", setting.Value, ignoreCase: true);
    }

    [Fact]
    public void Host_garbage_collection_conserves_memory()
    {
        // The GC compacts the old generation sooner instead of growing the heap while the daemon catches up
        // (docs/adr/0005-workstation-gc.md).
        Assert.True(ConfigProperties().TryGetProperty("System.GC.ConserveMemory", out var conserve), "System.GC.ConserveMemory is not set");
        Assert.Equal(7, conserve.GetInt32());
    }

    [Fact]
    public void Host_runs_without_tiered_profile_guided_optimization()
    {
        // Tiered PGO recompiles hot methods once more with instrumentation before optimising them: on two cores that
        // JIT work, in the minutes after each start, cost more CPU per request and about 20 MB more memory than its
        // better code gave back (docs/benchmarks.md, issue 16's fifth round).
        Assert.True(ConfigProperties().TryGetProperty("System.Runtime.TieredPGO", out var pgo), "System.Runtime.TieredPGO is not set: the runtime's default (on) applies");
        Assert.False(pgo.GetBoolean());
    }

    [Fact]
    public void Host_image_sets_a_4_MB_gen0_budget()
    {
        // The runtime reads GCgen0size from the environment only, so the image sets it. With the runtime's own budget
        // (2 MB on the two-core machines) the host collected gen0 twice as often and used more CPU per request and
        // more memory (docs/benchmarks.md, issue 16's sixth round).
        Assert.True(ImageRuntimeSettings.Load().TryGetValue("DOTNET_GCgen0size", out var gen0), "deploy/Dockerfile sets no DOTNET_GCgen0size: the runtime's default gen0 budget applies");
        Assert.Equal("0x400000", gen0);
    }

    [Fact]
    public void Host_image_limits_the_C_allocator_to_two_arenas()
    {
        // glibc's default is up to eight arenas per core; with two, the loaded host stayed 10-15 MB lower at the same
        // CPU per request (docs/benchmarks.md, issue 16's ninth round). glibc reads it from the environment only.
        Assert.True(ImageRuntimeSettings.Load().TryGetValue("MALLOC_ARENA_MAX", out var arenas), "deploy/Dockerfile sets no MALLOC_ARENA_MAX: glibc's default of eight arenas per core applies");
        Assert.Equal("2", arenas);
    }

    [Fact]
    public void Only_the_image_runtime_settings_reach_the_drills_hosts()
    {
        var settings = ImageRuntimeSettings.Parse(
        [
            "FROM mcr.microsoft.com/dotnet/aspnet:10.0",
            "ENV ASPNETCORE_HTTP_PORTS=8080",
            "# ENV DOTNET_gcServer=1",
            "ENV DOTNET_GCgen0size=0x400000",
            "ENV DOTNET_TieredCompilation=0  ",
            "ENV MALLOC_ARENA_MAX=2",
            "ENV LANG=C.UTF-8",
        ]);

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000", ["DOTNET_TieredCompilation"] = "0", ["MALLOC_ARENA_MAX"] = "2" }, settings);
    }
}
