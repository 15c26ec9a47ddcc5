using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Clinic.Host.ServiceDefaults;

/// <summary>Telemetry and health, the same for every way the host runs.</summary>
internal static class ServiceDefaultsExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>Our own activity sources plus the libraries whose spans make one trace of a request's journey.</summary>
    public static readonly string[] TraceSources = ["Clinic.*", "MassTransit", "Marten", "Npgsql"];

    /// <summary>Our own meters (Clinic.Intake, Clinic.Notifications) plus the libraries' own.</summary>
    public static readonly string[] MetricSources = ["Clinic.*", "MassTransit", "Marten", "Npgsql"];

    /// <summary>
    /// The one place the PostgreSQL connection string is read: every module's store and the readiness check get
    /// it from here, with dead-client detection added.
    /// </summary>
    public static string PostgresConnectionString(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Postgres is not configured (for example Host=127.0.0.1;Username=clinic;Password=…;Database=clinic).");
        }

        return WithAutoPrepare(WithoutSessionReset(WithDeadClientDetection(configured)));
    }

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string postgres)
    {
        builder.Services.AddSingleton(new PostgresHealthCheck.Target(postgres));

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "clinic",
                serviceVersion: typeof(ServiceDefaultsExtensions).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(MetricsScrape.Path)
                        && !Clinic.Modules.Content.ContentModule.IsCachedPublicRead(context.Request);
                    // The User-Agent string singles out a browser: spans keep none (sign-in records keep a family and system).
                    options.EnrichWithHttpRequest = (activity, _) => activity.SetTag("user_agent.original", null);
                })
                .AddSource(TraceSources))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(MetricSources)
                .AddView(MetricCardinality.For)
                .AddPrometheusExporter());
        builder.Services.AddMetricsScrapeAccess(builder.Configuration);

        // OTLP export is opt-in: set OTEL_EXPORTER_OTLP_ENDPOINT (docker-compose points it at its collector).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<Operations.ErrorQueueHealthCheck>("rabbitmq-error-queues", tags: ["ops"]);
        // MassTransit adds its own bus check, tagged "ready", which covers RabbitMQ.
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        // Scrapes are not requests worth measuring; the access rule is MetricsScrape's.
        app.MapPrometheusScrapingEndpoint(MetricsScrape.Path)
            .RequireAuthorization(MetricsScrape.PolicyName)
            .DisableHttpMetrics();
        return app;
    }

    /// <summary>
    /// Asks PostgreSQL to check every 2 s, even mid-query, whether the client is still there, so a crashed
    /// daemon leader's lock is released at once rather than when its long query ends
    /// (docs/adr/0001-dead-client-detection.md).
    /// </summary>
    internal static string WithDeadClientDetection(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.Options?.Contains("client_connection_check_interval", StringComparison.Ordinal) != true)
        {
            settings.Options = $"{settings.Options} -c client_connection_check_interval=2000".Trim();
        }

        return settings.ConnectionString;
    }

    /// <summary>
    /// Returns pooled connections without the <c>DISCARD ALL</c> round trip, which was most of a request's
    /// round trips. Safe because nothing session-level outlives its use here: Npgsql still rolls back an open
    /// transaction on return (so the daemon's leadership lock, transaction-scoped through
    /// UseAdvisoryLockTransaction, and the read-model lock are released), Marten's LISTEN runs on a connection
    /// of its own, nothing issues a session-level SET, and the one session-level advisory lock (a replay's) is
    /// taken on an unpooled connection of its own, whose closing ends the session and the lock with it
    /// (ReadModelLock). Anything added later that sets session state must undo it or stay off the pool.
    /// </summary>
    internal static string WithoutSessionReset(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;

    /// <summary>
    /// Prepares each connection's most used statements (Marten's appends, loads and upserts), so PostgreSQL parses and
    /// plans them once per connection rather than at every call; they survive the return to the pool because it no
    /// longer resets sessions. A schema change under a prepared statement fails that one call with 0A000, after which
    /// Npgsql prepares it again; Marten changes the schema only before the host serves (ApplyAllDatabaseChangesOnStartup
    /// and migrate). A value written in the configured string, zero included, is kept.
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        // Asked of the string as written: zero, the builder's default, is also how an operator turns preparation off.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (written.Keys.Cast<string>().Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxAutoPrepare }.ConnectionString;
    }

    internal const int MaxAutoPrepare = 128;
}

/// <summary>Ready only when PostgreSQL answers a query within the check's time budget.</summary>
internal sealed class PostgresHealthCheck(PostgresHealthCheck.Target database) : IHealthCheck
{
    public sealed record Target(string ConnectionString);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", e);
        }
    }
}
