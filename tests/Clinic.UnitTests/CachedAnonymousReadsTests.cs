using Clinic.Host.Accounts;
using Clinic.Host.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Clinic.UnitTests;

/// <summary>
/// Which requests meet the output cache before authentication (CachedAnonymousReads): only those that cannot be signed
/// in, so a signed-in member of staff never gets the anonymous copy of a page, whatever cookie name the host runs with.
/// </summary>
public sealed class CachedAnonymousReadsTests
{
    private const string Connection = "Host=127.0.0.1;Username=clinic;Database=clinic";

    /// <summary>The sign-in cookie's name as the host configures it, over HTTPS (the default) or plain HTTP.</summary>
    private static string SignInCookie(bool allowPlainHttp)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration[CookieSecurity.AllowPlainHttpKey] = allowPlainHttp.ToString();
        builder.AddClinicAccounts(Connection);
        using var host = builder.Build();
        return CachedAnonymousReads.SignInCookie(host.Services);
    }

    private static HttpContext Request(string? cookies = null, string? authorization = null, Endpoint? endpoint = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/research";
        if (cookies is not null)
        {
            context.Request.Headers.Cookie = cookies;
        }

        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.SetEndpoint(endpoint);
        return context;
    }

    [Theory]
    [InlineData(false, "__Host-" + AccountsExtensions.AuthCookieName)]
    [InlineData(true, AccountsExtensions.AuthCookieName)]
    public void The_sign_in_cookie_is_the_host_one_over_https_and_over_plain_http(bool allowPlainHttp, string expected) =>
        Assert.Equal(expected, SignInCookie(allowPlainHttp));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_request_with_no_cookie_and_no_authorization_cannot_be_signed_in(bool allowPlainHttp) =>
        Assert.True(CachedAnonymousReads.CannotBeSignedIn(Request(), SignInCookie(allowPlainHttp)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_request_with_the_sign_in_cookie_may_be_signed_in_whole_or_chunked(bool allowPlainHttp)
    {
        var cookie = SignInCookie(allowPlainHttp);
        Assert.False(CachedAnonymousReads.CannotBeSignedIn(Request($"{cookie}=CfDJ8ticket"), cookie));
        Assert.False(CachedAnonymousReads.CannotBeSignedIn(Request($"{cookie}=chunks-2; {cookie}C1=CfDJ8; {cookie}C2=ticket"), cookie));
        Assert.False(CachedAnonymousReads.CannotBeSignedIn(Request($"__Host-clinic.af=token; {cookie}=CfDJ8ticket"), cookie));
    }

    [Theory]
    [InlineData("Bearer 0123456789abcdef")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public void A_request_with_an_authorization_header_may_be_signed_in(string authorization) =>
        Assert.False(CachedAnonymousReads.CannotBeSignedIn(Request(authorization: authorization), SignInCookie(allowPlainHttp: false)));

    [Fact]
    public void A_request_for_an_endpoint_that_asks_for_authorization_meets_the_cache_only_after_it()
    {
        var staffOnly = new Endpoint(null, new EndpointMetadataCollection(new AuthorizeAttribute()), "staff only");
        Assert.False(CachedAnonymousReads.CannotBeSignedIn(Request(endpoint: staffOnly), SignInCookie(allowPlainHttp: false)));
    }

    /// <summary>
    /// Other cookies do not sign a request in: the antiforgery and passkey cookies, the other scheme's sign-in cookie (the
    /// HTTPS name on plain HTTP and back), and the two-factor and single sign-on cookies, which only their own pages read
    /// (the default scheme, whose user the cache looks at, reads the sign-in cookie alone).
    /// </summary>
    [Theory]
    [InlineData(false, "__Host-clinic.af=token")]
    [InlineData(true, "clinic.af=token; clinic.passkey=ceremony")]
    [InlineData(false, "clinic.auth=ticket")]
    [InlineData(true, "__Host-clinic.auth=ticket")]
    [InlineData(false, "__Host-" + AccountsExtensions.TwoFactorCookieName + "=user")]
    [InlineData(true, AccountsExtensions.TwoFactorCookieName + "=user")]
    [InlineData(false, "__Host-" + SingleSignOnExtensions.ExternalCookieName + "=login")]
    [InlineData(true, SingleSignOnExtensions.ExternalCookieName + "=login")]
    public void A_request_with_other_cookies_only_cannot_be_signed_in(bool allowPlainHttp, string cookies) =>
        Assert.True(CachedAnonymousReads.CannotBeSignedIn(Request(cookies), SignInCookie(allowPlainHttp)));
}
