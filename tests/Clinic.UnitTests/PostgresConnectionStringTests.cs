using Clinic.Host.ServiceDefaults;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Clinic.UnitTests;

/// <summary>Every module's store gets the one PostgreSQL connection string, with its session settings intact.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Pooled_connections_skip_the_reset_and_keep_dead_client_detection()
    {
        // Plain `Host` would name the Clinic.Host namespace here.
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=clinic;Password=secret;Database=clinic";

        // The string the host hands every store (Program.cs), read the way the host reads it.
        var settings = new NpgsqlConnectionStringBuilder(builder.PostgresConnectionString());

        Assert.True(settings.NoResetOnClose);
        Assert.Contains("client_connection_check_interval=2000", settings.Options, StringComparison.Ordinal);
        Assert.Equal("clinic", settings.Database);
        Assert.Equal("secret", settings.Password);
        Assert.Equal(ServiceDefaultsExtensions.MaxAutoPrepare, settings.MaxAutoPrepare);
    }

    [Fact]
    public void Statements_are_prepared_automatically_unless_the_configured_string_says_otherwise()
    {
        var prepared = new NpgsqlConnectionStringBuilder(ServiceDefaultsExtensions.WithAutoPrepare("Host=127.0.0.1;Database=clinic"));
        var configured = new NpgsqlConnectionStringBuilder(ServiceDefaultsExtensions.WithAutoPrepare("Host=127.0.0.1;Database=clinic;Max Auto Prepare=7"));

        Assert.Equal(ServiceDefaultsExtensions.MaxAutoPrepare, prepared.MaxAutoPrepare);
        Assert.Equal(7, configured.MaxAutoPrepare);
        // Zero is how an operator turns preparation off; it is kept too.
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(ServiceDefaultsExtensions.WithAutoPrepare("Host=127.0.0.1;Max Auto Prepare=0")).MaxAutoPrepare);
    }
}
