using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Clinic.Host.Accounts;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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
public sealed partial class ClinicFixture : IAsyncLifetime
{
    public const string StaffAddress = "intake-team@clinic.test";
    public const string AuditorUserName = "audrey.auditor";
    public const string StaffUserName = "sam.staff";

    private TestServices _services = null!;

    public string Schema { get; } = $"e2e_{Guid.NewGuid():N}"[..16];

    /// <summary>Generated per run: the repository holds no passwords.</summary>
    public string Password { get; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    public WebApplicationFactory<Program> App { get; private set; } = null!;

    internal IMailInbox Inbox => _services.Inbox;

    internal SpanLog Spans { get; } = new();

    public IDocumentStore Store => App.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        _services = await TestServices.StartAsync();
        var passwordHash = ConfiguredAccounts.HashPassword(Password);
        App = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:Postgres"] = _services.PostgresConnectionString,
                ["ConnectionStrings:RabbitMq"] = _services.RabbitMqUri.ToString(),
                ["Intake:Schema"] = Schema,
                ["Notifications:SiteBaseUrl"] = "http://clinic.test/",
                ["Notifications:StaffRecipients:0"] = StaffAddress,
                ["Notifications:Smtp:Host"] = _services.SmtpHost,
                ["Notifications:Smtp:Port"] = _services.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifications:Smtp:Security"] = "None",
                ["Accounts:Users:0:UserName"] = AuditorUserName,
                ["Accounts:Users:0:PasswordHash"] = passwordHash,
                ["Accounts:Users:0:Roles:0"] = "Auditor",
                ["Accounts:Users:1:UserName"] = StaffUserName,
                ["Accounts:Users:1:PasswordHash"] = passwordHash,
                ["Accounts:Users:1:Roles:0"] = "Staff",
            };
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
        });

        // Starts the host: Marten applies the schema, the bus connects, Content publishes its catalogue.
        using var client = App.CreateClient();
        await Eventually.TrueAsync(
            async () => (await client.GetStringAsync("/schedule")).Contains("value=\"ptsd\"", StringComparison.Ordinal),
            "Intake to receive Content's condition catalogue over RabbitMQ");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await using (var connection = new NpgsqlConnection(_services.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await _services.DisposeAsync();
    }

    public HttpClient CreateBrowser() =>
        App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<HttpClient> SignInAsync(string userName)
    {
        var browser = CreateBrowser();
        var response = await browser.PostFormAsync("/account/login", new() { ["UserName"] = userName, ["Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public async Task<long> CountStreamsAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Query<Clinic.Modules.Intake.Domain.IntakeRequest>().CountAsync();
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

/// <summary>Posts forms the way a browser does: with the antiforgery token from the page it came from.</summary>
internal static partial class FormPosting
{
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient browser, string url, Dictionary<string, string> fields)
    {
        var page = await browser.GetStringAsync(url);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"{url} has no antiforgery token.");
        return await browser.PostAsync(url, new FormUrlEncodedContent(
            fields.Append(KeyValuePair.Create("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)))));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
