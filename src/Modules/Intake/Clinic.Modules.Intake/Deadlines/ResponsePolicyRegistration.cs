using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Deadlines;

internal static class ResponsePolicyRegistration
{
    /// <summary>The response policy, its validation at start, and the clinic's clock.</summary>
    public static IServiceCollection AddResponsePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ResponsePolicyOptions.Section);
        services.AddOptions<ResponsePolicyOptions>().Configure(options => Bind(section, options)).PostConfigure(options => options.FillListDefaults()).ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<ResponsePolicyOptions>>(new ConfigurationChangeTokenSource<ResponsePolicyOptions>(section));
        services.AddSingleton<IValidateOptions<ResponsePolicyOptions>, ResponsePolicyOptionsValidator>();
        services.AddSingleton<ResponsePolicy>();
        services.AddSingleton<ClinicTime>();
        return services;
    }

    /// <summary>
    /// The configuration binder adds a configured list's items to the default list instead of replacing it (a
    /// one-step chain would run after the two default steps); a list the configuration gives replaces the default.
    /// </summary>
    private static void Bind(IConfigurationSection section, ResponsePolicyOptions options)
    {
        void Replace<T>(string key, List<T> list)
        {
            if (section.GetSection(key).GetChildren().Any())
            {
                list.Clear();
            }
        }

        Replace("BusinessHours:Days", options.BusinessHours.Days);
        Replace("Holidays", options.Holidays);
        Replace("Fallback", options.Fallback);
        Replace("Urgent:Escalation", options.Urgent.Escalation);
        Replace("Routine:Escalation", options.Routine.Escalation);
        section.Bind(options);
    }
}
