using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// Who may reach what, for every endpoint the host maps. A new endpoint without a line here fails the
/// first test, so nobody can add a page or API without deciding who may use it.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed class AuthorizationMatrixTests(ClinicFixture clinic)
{
    /// <summary><see cref="Caller.PendingEnrolment"/>: an admin who must set up a second factor and has not yet.</summary>
    public enum Caller { Anonymous, Staff, Auditor, Admin, PendingEnrolment, Editor, ClinicalReviewer }

    private static readonly Caller[] Everyone = [Caller.Anonymous, Caller.Staff, Caller.Auditor, Caller.Admin, Caller.PendingEnrolment, Caller.Editor, Caller.ClinicalReviewer];
    private static readonly Caller[] SignedIn = [Caller.Staff, Caller.Auditor, Caller.Admin, Caller.PendingEnrolment, Caller.Editor, Caller.ClinicalReviewer];
    private static readonly Caller[] EditorsAndReviewers = [Caller.Editor, Caller.ClinicalReviewer];
    private static readonly Caller[] EditorsOnly = [Caller.Editor];
    private static readonly Caller[] StaffOnly = [Caller.Staff, Caller.Admin];
    private static readonly Caller[] AuditorsOnly = [Caller.Auditor];
    private static readonly Caller[] AdminsOnly = [Caller.Admin];
    private static readonly Caller[] AuditorsAndAdmins = [Caller.Auditor, Caller.Admin];

    /// <summary>None of the four: only a scraper sending the scrape token (see MetricsTests).</summary>
    private static readonly Caller[] ScrapersOnly = [];

    /// <summary>Endpoint (methods and route pattern, as the host maps it) → a path to try and who may use it.</summary>
    private static readonly Dictionary<string, (string Method, string Path, Caller[] Allowed)> Matrix = new()
    {
        // Visitors: the public site, its content API and the request form.
        ["PAGE /"] = ("GET", "/", Everyone),
        ["PAGE /conditions/{slug}"] = ("GET", "/conditions/ptsd", Everyone),
        ["PAGE /research"] = ("GET", "/research", Everyone),
        ["PAGE /ketamine-treatment"] = ("GET", "/ketamine-treatment", Everyone),
        ["PAGE /crisis-resources"] = ("GET", "/crisis-resources", Everyone),
        ["PAGE /terms"] = ("GET", "/terms", Everyone),
        ["PAGE /privacy"] = ("GET", "/privacy", Everyone),
        ["PAGE /schedule"] = ("GET", "/schedule", Everyone),
        ["PAGE /schedule/confirmation/{reference}"] = ("GET", "/schedule/confirmation/KC-AAAAA-AAAAA", Everyone),
        ["GET /api/content/conditions"] = ("GET", "/api/content/conditions", Everyone),
        ["GET /api/content/conditions/{slug}"] = ("GET", "/api/content/conditions/ocd", Everyone),
        ["GET /api/content/articles"] = ("GET", "/api/content/articles", Everyone),
        ["GET /research/feed.xml"] = ("GET", "/research/feed.xml", Everyone),
        ["GET /sitemap.xml"] = ("GET", "/sitemap.xml", Everyone),
        ["GET /robots.txt"] = ("GET", "/robots.txt", Everyone),
        ["GET /api/content/treatment"] = ("GET", "/api/content/treatment", Everyone),
        ["GET /api/content/crisis-resources"] = ("GET", "/api/content/crisis-resources", Everyone),
        ["POST /api/intake/requests"] = ("POST", "/api/intake/requests", Everyone),
        ["GET /api/intake/requests/{reference}"] = ("GET", "/api/intake/requests/KC-AAAAA-AAAAA", Everyone),
        ["GET /openapi/{documentName}.json"] = ("GET", "/openapi/v1.json", Everyone),

        // The shell: sign-in, errors, health probes, the metrics scrape.
        ["PAGE /account/login"] = ("GET", "/account/login", Everyone),
        ["PAGE /account/logout"] = ("GET", "/account/logout", Everyone),
        ["PAGE /account/denied"] = ("GET", "/account/denied", Everyone),
        ["PAGE /account/login-2fa"] = ("GET", "/account/login-2fa", Everyone),
        ["PAGE /account/login-recovery"] = ("GET", "/account/login-recovery", Everyone),
        ["PAGE /account/sso/{handler?}"] = ("GET", "/account/sso", Everyone),
        ["PAGE /account/two-factor"] = ("GET", "/account/two-factor", SignedIn),
        ["PAGE /account/security"] = ("GET", "/account/security", SignedIn),
        ["PAGE /account/confirm"] = ("GET", "/account/confirm", SignedIn),
        ["PAGE /account/login-passkey"] = ("GET", "/account/login-passkey", Everyone),
        ["PAGE /account/passkeys"] = ("GET", "/account/passkeys", SignedIn),
        ["PAGE /error"] = ("GET", "/error", Everyone),
        ["PAGE /status/{code:int}"] = ("GET", "/status/404", Everyone),
        ["ANY /health/live"] = ("GET", "/health/live", Everyone),
        ["ANY /health/ready"] = ("GET", "/health/ready", Everyone),
        ["ANY /metrics"] = ("GET", "/metrics", ScrapersOnly),

        // Staff, auditors and operators.
        ["GET /staff/feed"] = ("GET", "/staff/feed", StaffOnly),
        ["PAGE /staff"] = ("GET", "/staff", StaffOnly),
        ["PAGE /staff/spam"] = ("GET", "/staff/spam", StaffOnly),
        ["PAGE /staff/on-call"] = ("GET", "/staff/on-call", StaffOnly),
        ["PAGE /staff/on-call/edit"] = ("GET", "/staff/on-call/edit", AdminsOnly),
        ["PAGE /staff/requests/{id:guid}"] = ("GET", $"/staff/requests/{Guid.Empty}", StaffOnly),
        ["PAGE /staff/response-times"] = ("GET", "/staff/response-times", StaffOnly),
        ["GET /staff/response-times.csv"] = ("GET", "/staff/response-times.csv", StaffOnly),
        ["PAGE /audit"] = ("GET", "/audit", AuditorsOnly),
        ["PAGE /audit/requests/{id}"] = ("GET", "/audit/requests/KC-AAAAA-AAAAA", AuditorsOnly),
        ["GET /api/audit/requests/{id}/events"] = ("GET", $"/api/audit/requests/{Guid.Empty}/events", AuditorsOnly),
        ["PAGE /ops"] = ("GET", "/ops", AdminsOnly),
        ["PAGE /staff/privacy"] = ("GET", "/staff/privacy", AdminsOnly),
        ["PAGE /staff/privacy/holds"] = ("GET", "/staff/privacy/holds", StaffOnly),
        ["PAGE /staff/privacy/holds/lift"] = ("GET", "/staff/privacy/holds/lift", AdminsOnly),
        ["PAGE /audit/access"] = ("GET", "/audit/access", AuditorsOnly),
        ["PAGE /audit/replay"] = ("GET", "/audit/replay", AuditorsAndAdmins),
        ["PAGE /staff/content"] = ("GET", "/staff/content", EditorsAndReviewers),
        ["PAGE /staff/content/items/{**key}"] = ("GET", "/staff/content/items/condition/ptsd", EditorsAndReviewers),
        ["PAGE /staff/content/diff/{**key}"] = ("GET", "/staff/content/diff/condition/ptsd", EditorsAndReviewers),
        ["PAGE /staff/content/schedule/{**key}"] = ("GET", "/staff/content/schedule/condition/ptsd", [Caller.ClinicalReviewer]),
        ["PAGE /staff/content/preview/{**key}"] = ("GET", "/staff/content/preview/condition/ptsd", EditorsAndReviewers),
        ["PAGE /staff/content/preview/site/conditions/{slug}/{**item}"] = ("GET", "/staff/content/preview/site/conditions/ptsd/condition/ptsd", EditorsAndReviewers),
        ["PAGE /staff/content/preview/site/research/{**item}"] = ("GET", "/staff/content/preview/site/research/condition/ptsd", EditorsAndReviewers),
        ["PAGE /staff/content/preview/site/home/{**item}"] = ("GET", "/staff/content/preview/site/home/highlights", EditorsAndReviewers),
        ["PAGE /staff/content/preview/site/crisis-resources/{**item}"] = ("GET", "/staff/content/preview/site/crisis-resources/crisis-resources", EditorsAndReviewers),
        ["PAGE /staff/content/new/condition"] = ("GET", "/staff/content/new/condition", EditorsOnly),
        ["PAGE /staff/content/edit/condition/{slug}"] = ("GET", "/staff/content/edit/condition/ptsd", EditorsOnly),
        ["PAGE /staff/content/new/article"] = ("GET", "/staff/content/new/article", EditorsOnly),
        ["PAGE /staff/content/edit/article/{id}"] = ("GET", "/staff/content/edit/article/safety-tolerability-iv-ketamine-canadian-rtce", EditorsOnly),
        ["PAGE /staff/content/edit/highlights"] = ("GET", "/staff/content/edit/highlights", EditorsOnly),
        ["PAGE /staff/content/edit/crisis-resources"] = ("GET", "/staff/content/edit/crisis-resources", EditorsOnly),
        ["PAGE /staff/content/edit/page/{name}"] = ("GET", "/staff/content/edit/page/terms", EditorsOnly),
        ["GET /api/audit/export"] = ("GET", "/api/audit/export?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", AuditorsOnly),

        // Account administration; the link page answers anyone holding a link (here an unknown one: 404).
        ["PAGE /staff/accounts"] = ("GET", "/staff/accounts", AdminsOnly),
        ["PAGE /staff/accounts/invite"] = ("GET", "/staff/accounts/invite", AdminsOnly),
        ["PAGE /staff/accounts/account"] = ("GET", $"/staff/accounts/account?name={ClinicFixture.StaffUserName}", AdminsOnly),
        ["PAGE /staff/accounts/roles"] = ("GET", $"/staff/accounts/roles?name={ClinicFixture.StaffUserName}", AdminsOnly),
        ["PAGE /staff/accounts/second-factor"] = ("GET", "/staff/accounts/second-factor", AdminsOnly),
        ["PAGE /staff/accounts/changes"] = ("GET", "/staff/accounts/changes", AdminsOnly),
        ["PAGE /account/set-password"] = ("GET", "/account/set-password?token=unknown", Everyone),
    };

    [Fact]
    public void Every_endpoint_the_host_maps_has_a_line_in_the_matrix()
    {
        var mapped = clinic.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(Key)
            .ToHashSet();

        Assert.True(mapped.SetEquals(Matrix.Keys),
            $"Not in the matrix: [{string.Join(", ", mapped.Except(Matrix.Keys).Order())}]; " +
            $"in the matrix but not mapped: [{string.Join(", ", Matrix.Keys.Except(mapped).Order())}].");
    }

    public static TheoryData<string, Caller> Cases()
    {
        var cases = new TheoryData<string, Caller>();
        foreach (var endpoint in Matrix.Keys)
        {
            foreach (var caller in Everyone)
            {
                cases.Add(endpoint, caller);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_gets_exactly_the_access_the_matrix_gives(string endpoint, Caller caller)
    {
        var (method, path, allowed) = Matrix[endpoint];
        using var client = caller switch
        {
            Caller.Anonymous => clinic.CreateBrowser(),
            Caller.Staff => await clinic.SignInAsync(ClinicFixture.StaffUserName),
            Caller.Auditor => await clinic.SignInAsync(ClinicFixture.AuditorUserName),
            Caller.PendingEnrolment => await clinic.SignInAsync(ClinicFixture.PendingEnrolmentUserName),
            Caller.Editor => await clinic.SignInAsync(ClinicFixture.EditorUserName),
            Caller.ClinicalReviewer => await clinic.SignInAsync(ClinicFixture.ReviewerUserName),
            _ => await clinic.SignInAsync(ClinicFixture.AdminUserName),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        // The live feed never ends: the headers are the answer.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        var redirect = response.Headers.Location is { } location ? new Uri(clinic.BaseAddress, location).AbsolutePath : "";

        if (allowed.Contains(caller))
        {
            // The "not allowed" page answers 403 to everyone, by design: it is what refused callers are shown.
            var refused = status == 401 || (status == 403 && path != "/account/denied") || redirect is "/account/login" or "/account/denied";
            Assert.False(refused,
                $"{caller} should reach {method} {path} but got {status} {redirect}");
        }
        else if (caller == Caller.PendingEnrolment)
        {
            // Nothing but enrolment until the second factor is set up: not even what an admin may otherwise reach.
            Assert.True(status is 401 or 403 || redirect is "/account/login" or "/account/denied" or "/account/two-factor",
                $"an account pending enrolment should be refused {method} {path} but got {status} {redirect}");
        }
        else if (caller == Caller.Anonymous)
        {
            Assert.True(status == 401 || redirect == "/account/login", $"anonymous {method} {path} should be asked to sign in but got {status} {redirect}");
        }
        else
        {
            Assert.True(status == 403 || redirect == "/account/denied", $"{caller} {method} {path} should be refused but got {status} {redirect}");
        }

        // Every answer, allowed or not, carries the security headers; none may be stored by a browser or proxy.
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore, $"{method} {path} answered Cache-Control: {response.Headers.CacheControl}");
    }

    private static string Key(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var isPage = endpoint.Metadata.Any(m => m.GetType().Name == "PageActionDescriptor" || m.GetType().Name == "CompiledPageActionDescriptor");
        var verb = isPage ? "PAGE" : methods is { Count: > 0 } ? string.Join(",", methods.Order()) : "ANY";
        return $"{verb} /{endpoint.RoutePattern.RawText?.TrimStart('/')}";
    }
}
