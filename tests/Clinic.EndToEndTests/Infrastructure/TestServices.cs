using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>
/// The real services the tests run against. Each comes from an environment variable when set
/// (./clinic test sets them for local servers) and from a Testcontainers container otherwise.
/// </summary>
internal sealed class TestServices : IAsyncDisposable
{
    public const string PostgresVariable = "CLINIC_TEST_POSTGRES";
    public const string RabbitMqVariable = "CLINIC_TEST_RABBITMQ";
    public const string SmtpVariable = "CLINIC_TEST_SMTP";
    public const string MaildirVariable = "CLINIC_TEST_SMTP_MAILDIR";

    private readonly List<IContainer> _containers = [];

    public string PostgresConnectionString { get; private set; } = "";

    public Uri RabbitMqUri { get; private set; } = null!;

    public string SmtpHost { get; private set; } = "";

    public int SmtpPort { get; private set; }

    public IMailInbox Inbox { get; private set; } = null!;

    public static async Task<TestServices> StartAsync()
    {
        var services = new TestServices();
        await Task.WhenAll(services.StartPostgresAsync(), services.StartRabbitMqAsync(), services.StartSmtpAsync());
        return services;
    }

    private async Task StartPostgresAsync()
    {
        if (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } connectionString)
        {
            PostgresConnectionString = connectionString;
            return;
        }

        var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        await StartAsync(container);
        PostgresConnectionString = container.GetConnectionString();
    }

    private async Task StartRabbitMqAsync()
    {
        if (Environment.GetEnvironmentVariable(RabbitMqVariable) is { Length: > 0 } uri)
        {
            RabbitMqUri = new Uri(uri);
            return;
        }

        var container = new RabbitMqBuilder("rabbitmq:3.13-management-alpine").Build();
        await StartAsync(container);
        RabbitMqUri = new Uri(container.GetConnectionString());
    }

    private async Task StartSmtpAsync()
    {
        if (Environment.GetEnvironmentVariable(SmtpVariable) is { Length: > 0 } endpoint)
        {
            var maildir = Environment.GetEnvironmentVariable(MaildirVariable)
                ?? throw new InvalidOperationException($"{SmtpVariable} is set, so {MaildirVariable} must name the SMTP sink's Maildir.");
            var colon = endpoint.LastIndexOf(':');
            SmtpHost = endpoint[..colon];
            SmtpPort = int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            Inbox = new MaildirInbox(maildir);
            return;
        }

        const int smtp = 1025, http = 8025;
        var container = new ContainerBuilder("axllent/mailpit:v1.21")
            .WithPortBinding(smtp, assignRandomHostPort: true)
            .WithPortBinding(http, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(http).ForPath("/livez")))
            .Build();
        await StartAsync(container);
        SmtpHost = container.Hostname;
        SmtpPort = container.GetMappedPublicPort(smtp);
        Inbox = new MailpitInbox(new HttpClient { BaseAddress = new Uri($"http://{container.Hostname}:{container.GetMappedPublicPort(http)}/") });
    }

    private async Task StartAsync(IContainer container)
    {
        lock (_containers)
        {
            _containers.Add(container);
        }

        await container.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }
    }
}
