using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>
/// A real OpenID provider for the single sign-on tests: oidc-provider (tests/oidc-provider/server.mjs) run by Node on a
/// free loopback port. It starts before the host (which needs its issuer), learns the host's callback once the host
/// listens (<see cref="ConnectAsync"/>), and is killed at dispose.
/// </summary>
internal sealed class OpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "clinic";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OpenIdProvider(Process process) => _process = process;

    /// <summary>Generated per run, like the clinic's own test password.</summary>
    public string ClientSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Every person's password at this provider.</summary>
    public string Password { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

    public Uri Issuer { get; private set; } = null!;

    /// <summary>Starts the provider and waits (with a deadline) until its port is open; synchronous, as the host's settings are made.</summary>
    public static OpenIdProvider Start()
    {
        var folder = FindFolder();
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"The test OpenID provider is not installed: run 'npm ci' in {folder} (./clinic test does it).");
        }

        var start = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var provider = new OpenIdProvider(new Process { StartInfo = start });
        start.Environment["CLINIC_OIDC_CLIENT_SECRET"] = provider.ClientSecret;
        start.Environment["CLINIC_OIDC_PASSWORD"] = provider.Password;
        provider._process.Start();
        _ = provider.DrainAsync(provider._process.StandardOutput);
        _ = provider.DrainAsync(provider._process.StandardError);
        if (!provider._listening.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            provider._process.Kill(entireProcessTree: true);
            throw new TimeoutException("The test OpenID provider did not open its port within 30 seconds: " + string.Join(" | ", provider._output));
        }

        provider.Issuer = provider._listening.Task.Result;
        return provider;
    }

    /// <summary>Gives the provider its one client's redirect URI, then waits for its discovery document.</summary>
    public async Task ConnectAsync(Uri redirectUri)
    {
        await _process.StandardInput.WriteLineAsync(redirectUri.ToString());
        await _process.StandardInput.FlushAsync();
        using var http = new HttpClient();
        var discovery = new Uri(Issuer, "/.well-known/openid-configuration");
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync(discovery)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the test OpenID provider's discovery document");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            _output.Enqueue(line);
            if (line.StartsWith("listening ", StringComparison.Ordinal))
            {
                _listening.TrySetResult(new Uri(line["listening ".Length..]));
            }
        }
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "oidc-provider");
            if (File.Exists(Path.Combine(candidate, "server.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/oidc-provider/server.mjs not found above " + AppContext.BaseDirectory);
    }
}
