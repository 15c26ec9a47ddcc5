using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clinic.Host.Accounts.Administration;

/// <summary>Account administration: the admin pages' service, the stored record of account changes, and their documents.</summary>
internal static class AccountAdministrationExtensions
{
    public static IHostApplicationBuilder AddClinicAccountAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountAdministrationOptions>()
            .Bind(builder.Configuration.GetSection("Accounts"))
            .Validate(o => o.InvitationLifetime > TimeSpan.Zero && o.InvitationLifetime <= TimeSpan.FromDays(30),
                "Accounts:InvitationLifetime must be a time span between zero and 30 days.")
            .ValidateOnStart();
        builder.Services.ConfigureMarten<IAccountsStore>(options =>
        {
            options.Schema.For<AccountChange>().Index(c => c.AccountId).Index(c => c.At);
            options.Schema.For<AccountLink>().UseOptimisticConcurrency(true).Index(l => l.AccountId);
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IAccountChangeJournal, StoredAccountChangeJournal>());
        builder.Services.AddScoped<AccountAdministration>();
        return builder;
    }
}
