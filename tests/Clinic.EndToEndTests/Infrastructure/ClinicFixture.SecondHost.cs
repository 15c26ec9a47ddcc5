using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests.Infrastructure;

public partial class ClinicFixture
{
    private IDictionary<string, string> _settings = new Dictionary<string, string>();

    /// <summary>
    /// Another running host on the same database, broker and queues, as a second replica behind a load balancer
    /// would be: its own memory, output cache and temporary queues. Dispose it at the end of the test.
    /// </summary>
    /// <param name="configureServices">Replaces services of the second host alone (say, to make one of its consumers fail).</param>
    internal SecondHost StartSecondHost(Action<IServiceCollection>? configureServices = null)
    {
        var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in _settings)
            {
                web.UseSetting(key, value);
            }

            // In one test process a second daemon would take the lead and, when disposed, leave the first host waiting to
            // win it back; the reliability drills prove leadership moving between real processes.
            web.UseSetting("Intake:Daemon", "Disabled");

            web.UseUrls("https://127.0.0.1:0");
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<IStartupFilter, SimulatedClientAddress>();
                configureServices?.Invoke(services);
            });
        });
        app.UseKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = Certificate));
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SecondHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal)), Certificate.Thumbprint);
    }

    internal sealed class SecondHost(WebApplicationFactory<Program> app, Uri baseAddress, string thumbprint) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;

        public HttpClient CreateBrowser()
        {
            var client = new HttpClient(new HttpClientHandler
            {
                AllowAutoRedirect = false,
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == thumbprint,
            })
            { BaseAddress = baseAddress };
            client.DefaultRequestHeaders.Add(SimulatedClientAddress.Header, SimulatedClientAddress.NewAddress());
            return client;
        }

        public ValueTask DisposeAsync() => StopThenDisposeAsync(app);
    }

    /// <summary>
    /// Stops a host the way a process stops on a signal, then disposes it. Disposed without the stop, its bus went on
    /// taking messages from the shared queues with a disposed service provider (faulting them with
    /// ObjectDisposedException) and stalled the clinic for the tests after it.
    /// </summary>
    internal static async ValueTask StopThenDisposeAsync(WebApplicationFactory<Program> app)
    {
        var bus = app.Services.GetRequiredService<IBusControl>();
        TimeoutException? neverStarted = null;
        try
        {
            // The host starts its bus in the background, and MassTransit ignores a stop until that start has finished
            // (every endpoint consuming): a host stopped moments after it started would go on consuming.
            await Eventually.TrueAsync(() => Task.FromResult(bus.CheckHealth().Status != BusHealthStatus.Unhealthy), "the host's bus to finish starting");
        }
        catch (TimeoutException e)
        {
            var waiting = bus.CheckHealth().Endpoints.Where(x => x.Value.Status != BusHealthStatus.Healthy).Select(x => $"{x.Key} ({x.Value.Description})");
            neverStarted = new TimeoutException($"{e.Message} It cannot be stopped and keeps its consumers; not ready: {string.Join(", ", waiting)}", e);
        }

        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // The bus first and by name: it is what holds consumers on the shared queues.
            await bus.StopAsync(deadline.Token);
            await app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHost>().StopAsync(deadline.Token);
        }
        finally
        {
            // Stopped or not, the host is disposed (the fixture's own clean-up runs after this), and the test still hears why.
            await app.DisposeAsync();
        }

        if (neverStarted is not null)
        {
            throw neverStarted;
        }
    }
}
