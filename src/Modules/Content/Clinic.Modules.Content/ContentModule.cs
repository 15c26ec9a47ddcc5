using Clinic.Modules.Content.Conditions;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Clinic.Modules.Content;

/// <summary>The research and science site: conditions, research articles, crisis resources, and the catalogue other modules use.</summary>
public static class ContentModule
{
    public static IHostApplicationBuilder AddContentModule(this IHostApplicationBuilder builder)
    {
        // Loaded eagerly so a broken data file stops the host at startup, naming the file and field.
        builder.Services.AddSingleton(ContentLibrary.LoadEmbedded());
        builder.Services.AddHostedService<PublishConditionCatalog>();
        builder.Services.AddOutputCache(cache => cache.AddPolicy(ContentCaching.PolicyName, policy => policy
            .Expire(ContentCaching.Duration)
            .SetVaryByQuery("condition", "q")));
        return builder;
    }

    public static IEndpointRouteBuilder MapContentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapContentApi();
        return app;
    }
}
