using Clinic.Host;
using Clinic.Host.Accounts;
using Clinic.Host.Messaging;
using Clinic.Host.Operations;
using Clinic.Host.Privacy;
using Clinic.Host.RateLimiting;
using Clinic.Host.ServiceDefaults;
using Clinic.Host.Shell;
using Clinic.Modules.Content;
using Clinic.Modules.Intake;
using Clinic.Modules.Notifications;

var builder = WebApplication.CreateBuilder(args);

var postgres = builder.PostgresConnectionString();
builder.AddServiceDefaults(postgres);
builder.AddClinicShell();
builder.AddClinicAccounts(postgres);
builder.AddClinicRateLimiting();
builder.AddContentModule(postgres);
builder.AddIntakeModule(postgres);
builder.AddNotificationsModule(postgres);
builder.UseRedactedMartenLogging();
builder.Services.AddErrorQueueErasure(builder.Configuration);
builder.AddClinicMessaging(bus => bus.AddIntakeConsumers().AddNotificationsConsumers().AddContentConsumers().AddConsumer<ErrorQueueErasureConsumer>(typeof(ErrorQueueErasureConsumerDefinition)));

var app = builder.Build();

if (await HostCommands.TryRunAsync(app, args))
{
    return;
}

app.UseClinicShell();
app.MapDefaultEndpoints();
app.MapContentEndpoints();
app.MapIntakeEndpoints();
app.MapNotificationsEndpoints();
app.MapRazorPages();

await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
