using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>
/// Every log line the host writes, with its exception, for the no-personal-data checks; also written to
/// host.log in the test output folder for reading after a failed run.
/// </summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StreamWriter _file = new(Path.Combine(AppContext.BaseDirectory, "host.log"), append: false) { AutoFlush = true };

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose() => _file.Dispose();

    private void Add(string line)
    {
        _lines.Enqueue(line);
        lock (_file)
        {
            _file.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
    }

    private sealed class Logger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
