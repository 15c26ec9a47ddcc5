using Microsoft.Playwright;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>
/// One headless Chromium for the suite: Debian's, named by CLINIC_TEST_CHROMIUM (./clinic test sets it),
/// or Playwright's own when that is unset and `playwright install` has been run.
/// </summary>
internal sealed class Browsers : IAsyncDisposable
{
    public const string ChromiumVariable = "CLINIC_TEST_CHROMIUM";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task<IBrowser> GetAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                _playwright = await Playwright.CreateAsync();
                var executable = Environment.GetEnvironmentVariable(ChromiumVariable);
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = string.IsNullOrEmpty(executable) ? null : executable,
                    Headless = true,
                    Args =
                    [
                        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run",
                        // Everything but the app under test on loopback is unreachable, by design
                        // (localhost too: passkeys need a host name, and an IP address cannot be one's relying party).
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
                    ],
                });
            }

            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _gate.Dispose();
    }
}
