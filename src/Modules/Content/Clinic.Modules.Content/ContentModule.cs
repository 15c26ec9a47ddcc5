using Clinic.Modules.Content.Conditions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Clinic.Modules.Content;

/// <summary>The research and science site: conditions, their descriptions, and the catalogue other modules use.</summary>
public static class ContentModule
{
    public static IHostApplicationBuilder AddContentModule(this IHostApplicationBuilder builder)
    {
        // Loaded eagerly so a broken data file stops the host at startup, naming the file and field.
        builder.Services.AddSingleton(ConditionCatalog.LoadEmbedded());
        builder.Services.AddHostedService<PublishConditionCatalog>();
        return builder;
    }

    public static IEndpointRouteBuilder MapContentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/content").WithTags("Content");
        api.MapGet("/conditions", (ConditionCatalog catalog) =>
            TypedResults.Ok(catalog.All.Select(c => new { c.Slug, c.Name })));
        api.MapGet("/conditions/{slug}", IResult (string slug, ConditionCatalog catalog) =>
            catalog.Find(slug) is { } condition
                ? TypedResults.Ok(condition)
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Condition not found",
                    detail: $"There is no condition with the slug '{slug}'."));
        return app;
    }
}
