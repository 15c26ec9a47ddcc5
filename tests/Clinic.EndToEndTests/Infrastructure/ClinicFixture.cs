using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Clinic.Host.Accounts;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Trace;

namespace Clinic.EndToEndTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ClinicCollection : ICollectionFixture<ClinicFixture>
{
    public const string Name = "clinic";
}

/// <summary>
/// One host for the whole suite, on real PostgreSQL, RabbitMQ and SMTP, with its own Marten schema
/// so runs never see each other's data. Spans are captured in memory for the trace assertions.
/// </summary>
public partial class ClinicFixture : IAsyncLifetime
{
    public const string StaffAddress = "intake-team@clinic.test";
    public const string AuditorUserName = "audrey.auditor";
    public const string StaffUserName = "sam.staff";
    public const string AdminUserName = "ada.admin";

    /// <summary>A second admin, enrolled like the first: the four-eyes erasure needs two.</summary>
    public const string SecondAdminUserName = "bo.admin";
    public const string EditorUserName = "eve.editor";
    public const string ReviewerUserName = "rex.reviewer";

    /// <summary>An admin who has not set up the second factor admins must use: reaches nothing but enrolment.</summary>
    public const string PendingEnrolmentUserName = "pat.pending";
    public const string OnCallAddress = "on-call@clinic.test";
    public const string WebhookName = "test-relay";

    private TestServices _services = null!;

    public string Schema { get; } = $"e2e_{Guid.NewGuid():N}"[..16];

    /// <summary>This run's erasure journal, outside the database as in production.</summary>
    public string ErasureJournalPath => Path.Combine(Path.GetTempPath(), $"clinic-{Schema}-erasure-journal.jsonl");

    /// <summary>The database the host uses, for tests that must reach behind it (tampering, as an attacker would).</summary>
    public string PostgresConnectionString => _services.PostgresConnectionString;

    /// <summary>Generated per run: the repository holds no passwords.</summary>
    public string Password { get; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    /// <summary>The bearer token /metrics asks of scrapers, generated per run.</summary>
    public string MetricsScrapeToken { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Submissions one simulated visitor may make per window in these tests.</summary>
    public const int RateLimitPerClient = 5;

    public WebApplicationFactory<Program> App { get; private set; } = null!;

    /// <summary>Where the host listens (http://127.0.0.1:port/).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    internal IMailInbox Inbox => _services.Inbox;

    internal SpanLog Spans { get; } = new();

    internal Browsers Browsers { get; } = new();

    internal LogCapture Logs { get; } = new();

    internal WebhookReceiver Webhooks { get; private set; } = null!;

    /// <summary>A fresh browser tab with its own cookies and simulated client address, on the running site.</summary>
    public async Task<Microsoft.Playwright.IPage> OpenPageAsync()
    {
        var browser = await Browsers.GetAsync();
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ExtraHTTPHeaders = new Dictionary<string, string> { [SimulatedClientAddress.Header] = SimulatedClientAddress.NewAddress() },
            ViewportSize = new() { Width = 1100, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>A self-signed certificate for 127.0.0.1, made for this run.</summary>
    internal X509Certificate2 Certificate { get; } = CreateCertificate();

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and re-imported so Kestrel gets a certificate whose private key it can use on Linux.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public IDocumentStore Store => App.Services.GetRequiredService<Clinic.Modules.Intake.IIntakeStore>();

    public const string TestMasterKeyId = "test-1";

    /// <summary>The run's master key, generated per fixture (rotation tests add a second one of their own).</summary>
    public static readonly string TestMasterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A request's visitor details as the application reads them (decrypted), or null once erased.</summary>
    public Task<Clinic.Modules.Intake.Domain.ContactRequest?> PersonalDataAsync(Guid requestId) =>
        App.Services.GetRequiredService<Clinic.Modules.Intake.Privacy.IPersonalData>().ReadAsync(requestId, CancellationToken.None);

    public async Task InitializeAsync()
    {
        _services = await TestServices.StartAsync();
        Webhooks = await WebhookReceiver.StartAsync();
        App = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:Postgres"] = _services.PostgresConnectionString,
                ["ConnectionStrings:RabbitMq"] = _services.RabbitMqUri.ToString(),
                ["Intake:Schema"] = Schema,
                ["Messaging:EndpointPrefix"] = Schema,
                ["Notifications:SiteBaseUrl"] = "http://clinic.test/",
                ["Notifications:Schema"] = Schema + "_notifications",
                ["Accounts:Schema"] = Schema + "_accounts",
                ["Content:Schema"] = Schema + "_content",
                // Fresh keys for each test run: never a real key, never in the repository.
                ["Privacy:MasterKeys:" + TestMasterKeyId] = TestMasterKey,
                ["Privacy:ActiveMasterKey"] = TestMasterKeyId,
                ["Privacy:BlindIndexKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                // Admins must sign in with a second factor (ada.admin is enrolled below; pat.pending is not).
                ["Accounts:RequireSecondFactor"] = "Admin",
                ["Notifications:Routing:Routine:0:Channel"] = "email",
                ["Notifications:Routing:Routine:0:Recipients:0"] = StaffAddress,
                ["Notifications:Routing:Routine:1:Channel"] = "webhook",
                ["Notifications:Routing:Routine:1:Recipients:0"] = WebhookName,
                ["Notifications:Routing:Routine:2:Channel"] = "feed",
                ["Notifications:Routing:Routine:2:Recipients:0"] = "staff-inbox",
                ["Notifications:Routing:Urgent:0:Channel"] = "email",
                ["Notifications:Routing:Urgent:0:Recipients:0"] = StaffAddress,
                ["Notifications:Routing:Urgent:0:Recipients:1"] = OnCallAddress,
                ["Notifications:Routing:Urgent:1:Channel"] = "webhook",
                ["Notifications:Routing:Urgent:1:Recipients:0"] = WebhookName,
                ["Notifications:Routing:Urgent:2:Channel"] = "feed",
                ["Notifications:Routing:Urgent:2:Recipients:0"] = "staff-inbox",
                [$"Notifications:Webhooks:{WebhookName}:Url"] = Webhooks.Url.ToString(),
                [$"Notifications:Webhooks:{WebhookName}:Secret"] = WebhookReceiver.Secret,
                ["Notifications:Smtp:Host"] = _services.SmtpHost,
                ["Notifications:Smtp:Port"] = _services.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifications:Smtp:Security"] = "None",
                ["Intake:RateLimit:PermitLimit"] = RateLimitPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Intake:RateLimit:Window"] = "00:10:00",
                ["Observability:MetricsScrapeToken"] = MetricsScrapeToken,
                // Longer than any run: no test here meets an escalation unless its fixture asks for one.
                ["Intake:ResponsePolicy:Urgent:Acknowledge:Within"] = "30.00:00:00",
                ["Intake:ResponsePolicy:Urgent:FirstContact:Within"] = "30.00:00:00",
                ["Intake:ResponsePolicy:Routine:Acknowledge:Within"] = "30.00:00:00",
                ["Intake:ResponsePolicy:Routine:FirstContact:Within"] = "30.00:00:00",
                ["Privacy:ErasureJournal"] = ErasureJournalPath,
                // The erasure purge's later walks seconds apart rather than minutes: tests wait for the last one.
                [Clinic.Host.Operations.ErrorQueueWalks.WalkAgainAfterKey + ":0"] = "00:00:02",
                [Clinic.Host.Operations.ErrorQueueWalks.WalkAgainAfterKey + ":1"] = "00:00:03",
            };
            Configure(settings);
            _settings = settings;
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            // HTTPS on a free loopback port, as in production: the session cookies are Secure (__Host-).
            web.UseUrls("https://127.0.0.1:0");

            web.ConfigureTestServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
                services.AddSingleton<IStartupFilter, SimulatedClientAddress>();
                services.AddSingleton<ILoggerProvider>(Logs);
                // Tests compare scrapes taken moments apart: each must be fresh, not the exporter's cached answer.
                services.Configure<OpenTelemetry.Exporter.PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
                ConfigureServices(services);
            });
        });

        // Real Kestrel on a free loopback port, so a real browser can visit too.
        App.UseKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = Certificate));
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));

        // Accounts are made the way an operator makes them: through the users command.
        var accounts = App.Services.GetRequiredService<AccountStore>();
        foreach (var (name, role) in new[] { (AuditorUserName, "Auditor"), (StaffUserName, "Staff"), (AdminUserName, "Admin"), (SecondAdminUserName, "Admin"), (PendingEnrolmentUserName, "Admin"), (EditorUserName, "Editor"), (ReviewerUserName, "ClinicalReviewer") })
        {
            var failed = new StringWriter();
            var exit = await AccountCommands.RunAsync(accounts, ["add", name, "--role", role], new StringReader(Password), TextWriter.Null, failed);
            Assert.True(exit == 0, failed.ToString());
        }

        // The admin's authenticator, set up directly (the browser tests enrol through the page).
        AuthenticatorKeys[AdminUserName] = await EnrolAuthenticatorAsync(AdminUserName);
        AuthenticatorKeys[SecondAdminUserName] = await EnrolAuthenticatorAsync(SecondAdminUserName);

        // Starts the host: Marten applies the schema, the bus connects, Content publishes its catalogue.
        using var client = CreateBrowser();
        await Eventually.TrueAsync(
            async () => (await client.GetStringAsync("/schedule")).Contains("value=\"ptsd\"", StringComparison.Ordinal),
            "Intake to receive Content's condition catalogue over RabbitMQ");
    }

    /// <summary>A fixture with other settings (say, deadlines of seconds) changes them here.</summary>
    protected virtual void Configure(IDictionary<string, string> settings)
    {
    }

    /// <summary>A fixture that replaces host services (say, to record what the host journals) does it here.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task DisposeAsync()
    {
        var queues = App.Services.GetRequiredService<Clinic.Host.Messaging.ReceiveEndpointNames>().All;
        await Browsers.DisposeAsync();
        await StopThenDisposeAsync(App);
        await DeleteQueuesAsync(queues);
        await Webhooks.DisposeAsync();
        await using (var connection = new NpgsqlConnection(_services.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE; DROP SCHEMA IF EXISTS {Schema}_notifications CASCADE; DROP SCHEMA IF EXISTS {Schema}_accounts CASCADE; DROP SCHEMA IF EXISTS {Schema}_timers CASCADE; DROP SCHEMA IF EXISTS {Schema}_keys CASCADE; DROP SCHEMA IF EXISTS {Schema}_content CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await _services.DisposeAsync();
        File.Delete(ErasureJournalPath);
    }

    /// <summary>A new visitor: its own cookies and its own (simulated) client address.</summary>
    /// <summary>This run's queues (and their error queues) go when it ends: the broker may be a shared local one.</summary>
    private async Task DeleteQueuesAsync(IEnumerable<string> names)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = _services.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var name in names.Where(n => n.StartsWith(Schema.Replace('_', '-'), StringComparison.Ordinal)))
        {
            foreach (var queue in new[] { name, name + "_error", name + "_skipped" })
            {
                await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
                await channel.ExchangeDeleteAsync(queue);
            }
        }
    }

    public HttpClient CreateBrowser(string? clientAddress = null)
    {
        // A plain HTTPS client over the loopback socket, as a browser would connect; it trusts this run's certificate only.
        var client = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == Certificate.Thumbprint,
        })
        {
            BaseAddress = BaseAddress,
        };
        client.DefaultRequestHeaders.Add(SimulatedClientAddress.Header, clientAddress ?? SimulatedClientAddress.NewAddress());
        return client;
    }

    public async Task<HttpClient> SignInAsync(string userName)
    {
        var browser = CreateBrowser();
        var response = await browser.PostFormAsync("/account/login", new() { ["UserName"] = userName, ["Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        if (response.Headers.Location?.OriginalString.StartsWith("/account/login-2fa", StringComparison.Ordinal) == true)
        {
            await ForgetUsedCodeAsync(userName);
            response = await browser.PostFormAsync("/account/login-2fa", new() { ["Code"] = CurrentCode(AuthenticatorKeys[userName]) });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        return browser;
    }

    /// <summary>The authenticator keys of the accounts the fixture enrolled, by user name.</summary>
    internal Dictionary<string, string> AuthenticatorKeys { get; } = [];

    /// <summary>The code an authenticator app shows now for this key (RFC 6238: SHA-1, 6 digits, 30 seconds).</summary>
    public static string CurrentCode(string key) =>
        new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())).ComputeTotp();

    /// <summary>
    /// The code for the next 30-second step. Each code is accepted once (and none of an earlier step), so a second
    /// sign-in of one account within a step uses this one (Identity accepts codes of a clock slightly ahead).
    /// </summary>
    public static string NextCode(string key) =>
        new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())).ComputeTotp(DateTime.UtcNow.AddSeconds(30));

    /// <summary>
    /// Test-only: forgets which authenticator code the account used last. The fixture's shared accounts sign in many
    /// times a minute (a person cannot: each code works once), so their sign-ins start from a clean slate.
    /// </summary>
    public async Task ForgetUsedCodeAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffAccount>>();
        var account = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No account {userName}.");
        account.LastAuthenticatorTimeStep = null;
        Assert.True((await users.UpdateAsync(account)).Succeeded);
    }

    /// <summary>Gives the account an authenticator and turns its second factor on; returns the key.</summary>
    public async Task<string> EnrolAuthenticatorAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffAccount>>();
        var account = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No account {userName}.");
        Assert.True((await users.ResetAuthenticatorKeyAsync(account)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(account, true)).Succeeded);
        return (await users.GetAuthenticatorKeyAsync(account))!;
    }

    public async Task<long> CountStreamsAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Query<Clinic.Modules.Intake.ReadModels.RequestReceipt>().CountAsync();
    }
}

/// <summary>A thread-safe list of finished spans; the exporter writes while tests read.</summary>
internal sealed class SpanLog : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Posts forms the way a browser does: with the hidden fields (antiforgery token, form id) of the page it came from.</summary>
internal static partial class FormPosting
{
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient browser, string url, Dictionary<string, string> fields) =>
        await (await FormPage.OpenAsync(browser, url)).SubmitAsync(fields);
}

/// <summary>A form page as loaded once; submitting it twice is a double click or a browser resubmit.</summary>
internal sealed partial class FormPage(HttpClient browser, string url, IReadOnlyDictionary<string, string> hidden)
{
    public IReadOnlyDictionary<string, string> Hidden => hidden;

    public static async Task<FormPage> OpenAsync(HttpClient browser, string url)
    {
        var html = await browser.GetStringAsync(url);
        // A page with two forms (the sign-in page with its single sign-on button) repeats the antiforgery token: the first is kept.
        var hidden = HiddenInput().Matches(html)
            .GroupBy(m => WebUtility.HtmlDecode(m.Groups["name"].Value))
            .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));
        Assert.True(hidden.ContainsKey("__RequestVerificationToken"), $"{url} has no antiforgery token.");
        return new FormPage(browser, url, hidden);
    }

    /// <summary>Sends the fields; the page's hidden inputs go too, unless a field of the same name was given
    /// (as a browser sends a ticked checkbox rather than its hidden "false").</summary>
    public Task<HttpResponseMessage> SubmitAsync(Dictionary<string, string> fields) =>
        browser.PostAsync(url, new FormUrlEncodedContent(fields.Concat(hidden.Where(h => !fields.ContainsKey(h.Key)))));

    [GeneratedRegex("<input (?=[^>]*type=\"hidden\")(?=[^>]*name=\"(?<name>[^\"]+)\")(?=[^>]*value=\"(?<value>[^\"]*)\")[^>]*>")]
    private static partial Regex HiddenInput();
}
