using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Intake.Privacy;

internal static class PrivacyRegistration
{
    /// <summary>The keys and their validation at startup (commands that need no key, such as <c>audit verify</c>, never load them).</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        services.AddSingleton<MasterKeyRing>();
        services.AddSingleton<PersonalDataVault>();
        services.AddSingleton<IPersonalData>(sp => sp.GetRequiredService<PersonalDataVault>());
        return services;
    }

    /// <summary>
    /// The data keys live in a schema of their own, <c>{Intake:Schema}_keys</c>, beside the events but apart from them:
    /// still in the same database, so a key commits in the same transaction as its request's first event, yet a
    /// backup and restore routine can keep, dump and restore the keys on their own (an erasure made after a backup
    /// must not be undone by restoring that backup), and access to them can be granted separately.
    /// </summary>
    public static void ConfigureKeyTable(StoreOptions options, string schema) =>
        options.Schema.For<RequestDataKey>()
            .DatabaseSchemaName(schema + "_keys")
            .Index(k => k.EmailIndex)
            .Index(k => k.PhoneIndex);
}
