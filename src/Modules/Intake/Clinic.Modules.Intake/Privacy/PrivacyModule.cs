using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>Retention, legal holds, erasure (on request, four eyes) and its journal, and subject-access exports.</summary>
internal static class PrivacyModule
{
    public static void AddPrivacy(this IHostApplicationBuilder builder, string schema)
    {
        var journalPath = builder.Configuration[ErasureJournal.PathKey]
            ?? Path.Combine(builder.Environment.ContentRootPath, "erasure-journal", $"{schema}.jsonl");
        builder.Services.AddSingleton(new ErasureJournal(journalPath));
        builder.Services.AddOptions<RetentionOptions>().Configure(options => options.Read(builder.Configuration)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddScoped<Erasure>();
        builder.Services.AddScoped<RetentionSweep>();
        builder.Services.AddScoped<PrivacyRequests>();
        builder.Services.AddScoped<SubjectAccessExport>();
        builder.Services.AddSingleton<ErasureJournalReplay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ErasureJournalReplay>());
    }
}
