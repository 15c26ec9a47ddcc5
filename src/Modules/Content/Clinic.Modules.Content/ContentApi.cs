using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Content;

/// <summary>The site's content as JSON under /api/content, described in the OpenAPI document.</summary>
internal static class ContentApi
{
    public sealed record ConditionSummary(string Slug, string Name, int ArticleCount);

    public sealed record ConditionDetail(string Slug, string Name, IReadOnlyList<string> Description, FactList? Facts, FactList? WarningSigns, IReadOnlyList<ArticleView> Articles);

    public sealed record ArticleView(
        string Id, string Title, IReadOnlyList<string> Authors, bool EtAl, string? Source, int? Year, string? Month,
        string? Volume, string? Issue, string? Pages, IReadOnlyList<string> Conditions, string Citation);

    public sealed record CrisisResources(IReadOnlyList<CrisisResource> Resources, string FormerNumberNote);

    public sealed record Treatment(string Intro, IReadOnlyList<Highlight> Highlights);

    public static void MapContentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/content").WithTags("Content").CacheOutput(ContentCaching.PolicyName);

        api.MapGet("/conditions", (ContentLibrary library) =>
                TypedResults.Ok(library.Conditions.Select(c => new ConditionSummary(c.Slug, c.Name, library.ArticlesAbout(c.Slug).Count()))))
            .WithName("ListConditions");

        api.MapGet("/conditions/{slug}", Results<Ok<ConditionDetail>, ProblemHttpResult> (string slug, ContentLibrary library) =>
                library.FindCondition(slug) is { } c
                    ? TypedResults.Ok(new ConditionDetail(c.Slug, c.Name, c.Description, c.Facts, c.WarningSigns, [.. library.ArticlesAbout(c.Slug).Select(View)]))
                    : TypedResults.Problem(
                        statusCode: StatusCodes.Status404NotFound,
                        title: "Condition not found",
                        detail: $"There is no condition with the slug '{slug}'. GET /api/content/conditions lists them."))
            .WithName("GetCondition")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/articles", Results<Ok<IEnumerable<ArticleView>>, ValidationProblem> (string? condition, string? q, ContentLibrary library) =>
            {
                if (condition is not null && library.FindCondition(condition) is null)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["condition"] = [$"'{condition}' is not a condition slug. GET /api/content/conditions lists them."],
                    });
                }

                if (q is { Length: > 200 })
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Use at most 200 characters."] });
                }

                return TypedResults.Ok(library.Search(condition, q).Select(View));
            })
            .WithName("SearchArticles");

        api.MapGet("/treatment", (ContentLibrary library) => TypedResults.Ok(new Treatment(library.Intro, library.Highlights)))
            .WithName("GetTreatmentHighlights");

        api.MapGet("/crisis-resources", (ContentLibrary library) =>
                TypedResults.Ok(new CrisisResources(library.CrisisResources, library.FormerCrisisNumberNote)))
            .WithName("GetCrisisResources");
    }

    private static ArticleView View(Article a)
    {
        var authors = CitationFormat.Authors(a);
        var publication = CitationFormat.Publication(a);
        var citation = string.Join(". ", new[] { authors.TrimEnd('.'), a.Title, publication }.Where(p => p.Length > 0)) + ".";
        return new ArticleView(a.Id, a.Title, a.Authors, a.EtAl, a.Source, a.Year, a.Month, a.Volume, a.Issue, a.Pages, a.Conditions, citation);
    }
}
