using System.Net.Sockets;
using Clinic.Host.Shell;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Clinic.UnitTests;

public sealed class DatabaseUnavailableHandlerTests
{
    private static (DatabaseUnavailableHandler Handler, DefaultHttpContext Context) Create(string path)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return (new DatabaseUnavailableHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<DatabaseUnavailableHandler>.Instance), context);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_503_with_retry_after_and_problem_details_for_apis()
    {
        var (handler, context) = Create("/api/intake/requests");
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));

        Assert.True(await handler.TryHandleAsync(context, new InvalidOperationException("wrapped", refused), default));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        Assert.Contains("may not have been saved", await new StreamReader(context.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_get_an_empty_503_for_the_status_page_to_render()
    {
        var (handler, context) = Create("/schedule");

        Assert.True(await handler.TryHandleAsync(context, new NpgsqlException("timeout", new TimeoutException()), default));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Fact]
    public async Task Other_failures_are_left_to_the_normal_error_handling()
    {
        var (handler, context) = Create("/schedule");

        Assert.False(await handler.TryHandleAsync(context, new InvalidOperationException("a bug"), default));
        Assert.False(DatabaseUnavailableHandler.IsDatabaseUnavailable(new NpgsqlException("syntax error")));
    }
}
