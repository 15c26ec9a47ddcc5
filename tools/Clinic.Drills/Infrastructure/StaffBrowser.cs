using System.Net;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// A member of staff at a browser, signed in to one host through its real sign-in page: cookies kept, forms posted
/// with the page's antiforgery token, redirects not followed (a 302 is how a form says "done").
/// </summary>
internal sealed partial class StaffBrowser : IDisposable
{
    private readonly HttpClient _http;

    private StaffBrowser(ClinicHost host)
    {
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Signs in with the password (an account without a second factor confirms sensitive actions with it, as its sign-in does).</summary>
    public static async Task<StaffBrowser> SignInAsync(ClinicHost host, string userName, string password)
    {
        var browser = new StaffBrowser(host);
        using var response = await browser.PostFormAsync("/account/login", null, [new("UserName", userName), new("Password", password)]);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/account/login", StringComparison.Ordinal) == true)
        {
            browser.Dispose();
            throw new InvalidOperationException($"{userName} could not sign in to {host.Name}: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return browser;
    }

    public Task<string> GetStringAsync(string path) => _http.GetStringAsync(path);

    /// <summary>Posts a page's form (one of its handlers) the way the browser does, with the token from a fresh copy of the page.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string? handler, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var html = await _http.GetStringAsync(page);
        var token = Token().Match(html) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"{page} has no antiforgery token.");
        var url = handler is null ? page : $"{page}?handler={handler}";
        return await _http.PostAsync(url, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
