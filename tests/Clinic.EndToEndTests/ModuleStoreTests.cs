using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Clinic.Modules.Intake;
using Clinic.Modules.Notifications;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Each module owns its Marten store; there is no shared default store for one module to reach another's data through.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ModuleStoreTests(ClinicFixture clinic)
{
    [Fact]
    public void The_running_host_has_no_default_Marten_store_only_each_modules_own()
    {
        var services = clinic.App.Services;

        Assert.Null(services.GetService<IDocumentStore>());
        Assert.Null(services.GetService<IDocumentSession>());
        Assert.Null(services.GetService<IQuerySession>());
        var schemas = new[]
        {
            services.GetRequiredService<IIntakeStore>().Options.DatabaseSchemaName,
            services.GetRequiredService<INotificationsStore>().Options.DatabaseSchemaName,
            services.GetRequiredService<IAccountsStore>().Options.DatabaseSchemaName,
            services.GetRequiredService<Clinic.Modules.Content.IContentStore>().Options.DatabaseSchemaName,
        };
        Assert.Equal(4, schemas.Distinct().Count());
    }
}
