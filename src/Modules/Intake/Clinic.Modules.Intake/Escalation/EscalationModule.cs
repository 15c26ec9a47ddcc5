using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;

namespace Clinic.Modules.Intake.Escalation;

/// <summary>
/// Quartz.NET, clustered on the host's PostgreSQL, holds the escalation timers: they survive restarts and
/// crashes, and each fires on one host only. Its tables live in their own schema (Intake:Escalation:Schema,
/// by default beside Intake's), created by Quartz itself when missing.
/// </summary>
internal static class EscalationModule
{
    public const string SchemaKey = "Intake:Escalation:Schema";

    public static string SchemaName(IConfiguration configuration) =>
        configuration[SchemaKey] ?? (configuration["Intake:Schema"] ?? "intake") + "_timers";

    public static void AddEscalation(this IHostApplicationBuilder builder, string connectionString)
    {
        var schema = SchemaName(builder.Configuration);
        builder.Services.AddSingleton<EscalationTimers>();
        // Registered before Quartz's hosted service, so the schema is there when the scheduler creates its tables.
        builder.Services.AddSingleton(new TimerSchema(connectionString, schema));
        builder.Services.AddHostedService(services => services.GetRequiredService<TimerSchema>());
        builder.Services.AddQuartz(quartz =>
        {
            // One name for every host of a site (it follows the timers' schema): together they are one cluster, which
            // fires each timer once. Quartz keeps schedulers in a process-wide registry by name, so two hosts in one
            // process (the tests' fixtures) would otherwise share the first one's scheduler and tables.
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = $"clinic-escalation-{schema}");
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.ConfigureStore(options => options.TablePrefix = $"{schema}.qrtz_");
                store.UseClustering();
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            Privacy.RetentionJob.Register(quartz);
        });
        // A stopping host finishes the step it is raising (a few milliseconds) rather than leaving it to recovery.
        builder.Services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
    }

    /// <summary>Part of <c>migrate</c>, and of every start: the schema the timers' tables go in.</summary>
    public static Task EnsureSchemaAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<TimerSchema>().StartAsync(cancellationToken);

    private static async Task EnsureSchemaAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"create schema if not exists \"{schema}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateSchema)
        {
            // Two hosts starting together on a fresh database: the other one created it.
        }
    }

    internal sealed class TimerSchema(string connectionString, string schema) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => EnsureSchemaAsync(connectionString, schema, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
