using Marten;
using Marten.Services;
using Npgsql;

namespace Clinic.Host.Privacy;

/// <summary>
/// Marten's default logger writes a failed command with its parameter values, and our events' values
/// are visitors' health data. Idempotent submissions fail on purpose (a double click collides on the
/// stream id), so that would log names, contact details and messages. This logger records what failed
/// (the error kind, PostgreSQL's code and constraint) and never a value or the command text.
/// </summary>
internal sealed partial class RedactingMartenLogger(ILogger<RedactingMartenLogger> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => LogSchemaChange(logger, sql.Length);

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(ex);

    public void LogFailure(NpgsqlBatch batch, Exception ex) => Failed(ex);

    public void LogFailure(Exception ex, string message) => Failed(ex);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    private void Failed(Exception ex)
    {
        var postgres = ex as PostgresException ?? ex.InnerException as PostgresException;
        LogCommandFailed(logger, ex.GetType().Name, postgres?.SqlState ?? "-", postgres?.ConstraintName ?? "-");
    }

    [LoggerMessage(LogLevel.Debug, "Marten applied a schema change ({Length} characters of DDL)")]
    private static partial void LogSchemaChange(ILogger logger, int length);

    // Expected for idempotent resubmissions (unique violation 23505 on the stream id); anything else is worth a look.
    [LoggerMessage(LogLevel.Warning, "A Marten command failed: {ErrorType}, SQLSTATE {SqlState}, constraint {Constraint} (values are never logged)")]
    private static partial void LogCommandFailed(ILogger logger, string errorType, string sqlState, string constraint);
}

internal static class MartenLoggingExtensions
{
    /// <summary>Every Marten store of the host logs through <see cref="RedactingMartenLogger"/>.</summary>
    public static IHostApplicationBuilder UseRedactedMartenLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RedactingMartenLogger>();
        builder.Services.ConfigureMarten<Clinic.Modules.Intake.IIntakeStore>((services, options) =>
            options.Logger(services.GetRequiredService<RedactingMartenLogger>()));
        builder.Services.ConfigureMarten<Clinic.Modules.Notifications.INotificationsStore>((services, options) =>
            options.Logger(services.GetRequiredService<RedactingMartenLogger>()));
        return builder;
    }
}
