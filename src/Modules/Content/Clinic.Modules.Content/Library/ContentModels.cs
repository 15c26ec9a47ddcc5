namespace Clinic.Modules.Content.Library;

internal sealed record FactList(string Heading, IReadOnlyList<string> Items);

internal sealed record Condition(
    string Slug,
    string Name,
    IReadOnlyList<string> Description,
    FactList? Facts,
    FactList? WarningSigns)
{
    /// <summary>Plain text shown under the name; null when the condition has none.</summary>
    public string? Summary { get; init; }

    /// <summary>The description's Markdown as sanitised HTML (<see cref="ContentMarkdown"/>), rendered when the library is built.</summary>
    public Microsoft.AspNetCore.Html.IHtmlContent DescriptionHtml { get; init; } = Microsoft.AspNetCore.Html.HtmlString.Empty;
}

/// <summary>A research article as the clinic's original page cites it. Fields the page does not give are null.</summary>
internal sealed record Article(
    string Id,
    string Title,
    IReadOnlyList<string> Authors,
    bool EtAl,
    string? Source,
    int? Year,
    string? Month,
    string? Volume,
    string? Issue,
    string? Pages,
    IReadOnlyList<string> Conditions,
    IReadOnlyList<string> AsListed)
{
    /// <summary>Normalised, without the resolver: "10.1016/j.xyz.2020.01.001".</summary>
    public string? Doi { get; init; }

    public string? PubMedId { get; init; }

    /// <summary>An absolute http(s) address of the article.</summary>
    public string? Url { get; init; }
}

internal sealed record Highlight(string Title, string Text);

internal sealed record CrisisAction(string Label, string Href);

internal sealed record CrisisResource(string Id, string Title, string Text, IReadOnlyList<CrisisAction> Actions);

/// <summary>A page of running text (the terms, the privacy notice): a title and Markdown, rendered by ContentMarkdown.</summary>
internal sealed record TextPage(string Title, string Markdown);
