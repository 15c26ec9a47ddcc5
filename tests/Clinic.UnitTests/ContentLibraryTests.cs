using System.Text;
using System.Text.RegularExpressions;
using Clinic.Modules.Content.Library;

namespace Clinic.UnitTests;

public sealed partial class ContentLibraryTests
{
    private static readonly ContentLibrary Shipped = ContentLibrary.LoadEmbedded();

    [Fact]
    public void The_shipped_content_has_every_section_of_the_research_page()
    {
        Assert.Equal(
            ["depression", "suicidal-ideation", "postpartum-depression", "bipolar-depression", "treatment-resistant-depression",
             "crps", "fibromyalgia", "ocd", "ptsd", "suicide"],
            Shipped.Conditions.Select(c => c.Slug));
        Assert.Equal(3, Shipped.Highlights.Count);
        Assert.Equal(4, Shipped.FindCondition("depression")!.Facts!.Items.Count);
        Assert.Equal(3, Shipped.FindCondition("ocd")!.Facts!.Items.Count);
        Assert.Equal(7, Shipped.FindCondition("suicide")!.WarningSigns!.Items.Count);
        Assert.Contains("8% of the general population", Shipped.FindCondition("ptsd")!.Description[0]);
    }

    [Fact]
    public void Every_citation_of_the_seed_page_is_in_the_research_library_once()
    {
        var seedCitations = SeedPage.CitationLines();
        var listed = Shipped.Articles.SelectMany(a => a.AsListed).ToList();

        Assert.Equal(36, seedCitations.Count);
        Assert.Equal(seedCitations.Count, listed.Count);
        Assert.All(seedCitations, line => Assert.Single(listed, l => l == line));
        // One record per distinct article: the Medical Daily bipolar article is listed under two conditions.
        Assert.Equal(35, Shipped.Articles.Count);
        var castillo = Assert.Single(Shipped.Articles, a => a.Authors.Contains("Stephanie Castillo"));
        Assert.Equal(["depression", "bipolar-depression"], castillo.Conditions);
    }

    [Fact]
    public void Crisis_resources_lead_with_911_and_988_and_mention_the_old_number_only_as_former()
    {
        Assert.Equal(["emergency", "lifeline", "veterans", "crisis-text-line"], Shipped.CrisisResources.Select(r => r.Id));
        Assert.Contains("741741", Shipped.CrisisResources[3].Text);
        Assert.Contains("press 1", Shipped.CrisisResources[2].Text);
        Assert.Contains("former number, 1-800-273-8255", Shipped.FormerCrisisNumberNote);
        Assert.DoesNotContain(Shipped.CrisisResources, r => r.Text.Contains("273", StringComparison.Ordinal));
    }

    [Fact]
    public void No_content_invents_links_the_seed_does_not_give()
    {
        var links = Shipped.CrisisResources.SelectMany(r => r.Actions).Select(a => a.Href).Where(h => h.StartsWith("https://", StringComparison.Ordinal));
        Assert.Equal(["https://988lifeline.org"], links);
        Assert.DoesNotContain(Shipped.Articles, a => a.Title.Contains("http", StringComparison.OrdinalIgnoreCase) || (a.Source ?? "").Contains("doi", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Search_matches_title_authors_and_source_ignoring_case_and_accents()
    {
        Assert.Contains(Shipped.Search(null, "sorensen"), a => a.Authors.Contains("J. Sörensen"));
        Assert.All(Shipped.Search("crps", null), a => Assert.Contains("crps", a.Conditions));
        Assert.Equal(4, Shipped.Search("crps", null).Count);
        Assert.NotEmpty(Shipped.Search(null, "pain med"));
        Assert.Empty(Shipped.Search("ocd", "fibromyalgia"));
        Assert.Equal(Shipped.Articles.Count, Shipped.Search(null, "  ").Count);
    }

    [Fact]
    public void Journal_citations_are_formatted_with_the_parts_the_seed_gives()
    {
        var correll = Assert.Single(Shipped.Articles, a => a.Authors.FirstOrDefault() == "Correll GE");
        Assert.Equal("Pain Med. 2004 Sep;5(3):263-75", CitationFormat.Publication(correll));
        Assert.StartsWith("Correll GE, Maleki J", CitationFormat.Authors(correll), StringComparison.Ordinal);

        var titleOnly = Assert.Single(Shipped.Articles, a => a.Title == "Ketamine: Fresh hope for the treatment of OCD");
        Assert.Equal("", CitationFormat.Publication(titleOnly));
        Assert.Equal("", CitationFormat.Authors(titleOnly));
    }

    [Theory]
    [InlineData("articles.json", """{"articles":[{"id":"a","title":"T","conditions":["no-such"],"asListed":["T"]}]}""", "articles.json: articles[0].conditions[0] 'no-such' is not a condition slug")]
    [InlineData("articles.json", """{"articles":[{"id":"a","title":"","conditions":["ocd"],"asListed":["T"]}]}""", "articles.json: articles[0].title is required")]
    [InlineData("articles.json", """{"articles":[{"id":"a","title":"T","year":"soon","conditions":["ocd"],"asListed":["T"]}]}""", "articles.json: not valid at articles[0].year")]
    [InlineData("conditions.json", """{"conditions":[{"slug":"ocd","name":"OCD","facts":{"heading":"","items":["x"]}}]}""", "conditions.json: conditions[0].facts.heading is required")]
    [InlineData("conditions.json", """{"conditions":[{"slug":"OCD!","name":"OCD"}]}""", "conditions.json: conditions[0].slug 'OCD!' must be lower-case")]
    [InlineData("conditions.json", """{"conditions":[{"slug":"ocd","name":"OCD"}]}""", "conditions.json: version must be a whole number from 1 up")]
    [InlineData("conditions.json", """{"version":0,"conditions":[{"slug":"ocd","name":"OCD"}]}""", "conditions.json: version must be a whole number from 1 up")]
    [InlineData("highlights.json", """{"intro":"i","highlights":[],"extra":1}""", "highlights.json: not valid")]
    [InlineData("crisis.json", """{"resources":[{"id":"x","title":"t","text":"t","actions":[{"label":"l","href":"javascript:alert(1)"}]}],"formerNumberNote":"n"}""", "crisis.json: resources[0].actions[0].href must start with tel:, sms: or https://")]
    public void A_broken_data_file_stops_startup_naming_the_file_and_the_field(string file, string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ContentLibrary.Load(name => name == file
            ? new MemoryStream(Encoding.UTF8.GetBytes(json))
            : typeof(ContentLibrary).Assembly.GetManifestResourceStream($"Clinic.Content.{name}")!));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Reads the article lists of the clinic's original page (docs/seed), independently of our data files.</summary>
internal static partial class SeedPage
{
    public static IReadOnlyList<string> CitationLines()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "seed", "research-and-science.txt");
        var headingsInsideLists = ContentLibrary.LoadEmbedded().Conditions.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var citations = new List<string>();
        var inList = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Replace('\u00a0', ' ').Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (ListHeading().IsMatch(line))
            {
                inList = true;
            }
            else if (inList && !headingsInsideLists.Contains(line))
            {
                // A list runs until the page's prose resumes.
                if (IsProse(line))
                {
                    inList = false;
                }
                else
                {
                    citations.Add(line);
                }
            }
        }

        return citations;
    }

    /// <summary>
    /// Prose has two or more real sentences; citations have a year, an "Outlet: " prefix, or abbreviations
    /// ("Jaskaran B. Singh") that only look like sentence ends.
    /// </summary>
    private static bool IsProse(string line)
    {
        if (Year().IsMatch(line))
        {
            return false;
        }

        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon is >= 0 and <= 60)
        {
            return false;
        }

        return SentenceEnd().Split(line).Count(s => s.Length >= 40) >= 2;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clinic.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Clinic.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^(Research|Reasearch) Articles:?$")]
    private static partial Regex ListHeading();

    [GeneratedRegex(@"\b(19|20)\d\d\b")]
    private static partial Regex Year();

    [GeneratedRegex(@"(?<=[a-z]{3})\. (?=[A-Z])")]
    private static partial Regex SentenceEnd();
}
