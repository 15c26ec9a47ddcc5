using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>The acceptance journey of content editing, in a real Chromium: an editor cites a study, a reviewer publishes it.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task An_editor_adds_an_article_with_a_doi_to_ptsd_a_reviewer_publishes_it_and_visitors_find_it()
    {
        const string title = "Repeated ketamine infusions for chronic posttraumatic stress disorder: a randomized clinical trial";
        string? item = null;
        var eve = await SignedInPageAsync(ClinicFixture.EditorUserName);
        var shots = new Screenshots(eve, nameof(An_editor_adds_an_article_with_a_doi_to_ptsd_a_reviewer_publishes_it_and_visitors_find_it));
        try
        {
            await eve.GotoAsync("/staff/content");
            await eve.GetByRole(AriaRole.Link, new() { Name = "New article" }).ClickAsync();
            await Assertions.Expect(eve.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("New article");
            await AssertAccessibleAsync(eve, "new article editor");

            await eve.GetByLabel("Title").FillAsync(title);
            await eve.GetByLabel("Authors, one per line (optional)").FillAsync("Feder A\nCosti S\nRutter SB");
            await eve.GetByLabel("More authors than listed (et al.)").CheckAsync();
            await eve.GetByLabel("Source, such as the journal (optional)").FillAsync("Am J Psychiatry");
            await eve.GetByLabel("Year").FillAsync("2021");
            await eve.GetByLabel("DOI").FillAsync("doi.org/10.1176/appi.ajp.2020.20050596");
            await eve.GetByLabel("PubMed id (PMID)").FillAsync("33726522");
            await eve.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();

            // Two mistakes, each on its field; everything typed is still there.
            await Assertions.Expect(eve.Locator("#Form_Doi-error")).ToContainTextAsync("10.NNNN/");
            await Assertions.Expect(eve.Locator("#Form_Conditions-error")).ToContainTextAsync("at least one condition");
            await Assertions.Expect(eve.GetByLabel("DOI")).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(eve.GetByLabel("Title")).ToHaveValueAsync(title);
            await Assertions.Expect(eve.GetByLabel("PubMed id (PMID)")).ToHaveValueAsync("33726522");
            await shots.TakeAsync("01-article-editor-with-mistakes");
            await AssertAccessibleAsync(eve, "article editor with errors");

            await eve.GetByLabel("DOI").FillAsync("https://doi.org/10.1176/appi.ajp.2020.20050596");
            await eve.GetByLabel("Post-Traumatic Stress Disorder (PTSD)").CheckAsync();
            await eve.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Assertions.Expect(eve).ToHaveURLAsync(new Regex("/staff/content/items/article/repeated-ketamine-infusions"));
            item = new Uri(eve.Url).AbsolutePath;

            // A second draft, so the history has a difference to show: the journal's name written out.
            await eve.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
            await eve.GetByLabel("Source, such as the journal (optional)").FillAsync("American Journal of Psychiatry");
            await eve.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Assertions.Expect(eve).ToHaveURLAsync(new Regex("/staff/content/items/article/repeated-ketamine-infusions"));
            await eve.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
            await Assertions.Expect(eve.Locator("ol.history").GetByText("Submitted it for review")).ToBeVisibleAsync();

            // The editor cannot approve: the page says why, and pressing the button is refused.
            await Assertions.Expect(eve.Locator("#approval-rule")).ToContainTextAsync("Only a clinical reviewer who neither wrote nor submitted a change can approve it");
            await eve.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Assertions.Expect(eve.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You do not have access to that page");
            await shots.TakeAsync("02-editor-cannot-approve");

            var rex = await SignedInPageAsync(ClinicFixture.ReviewerUserName);
            await rex.GotoAsync(item);
            await rex.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Assertions.Expect(rex.Locator("ol.history").GetByText("Approved it")).ToBeVisibleAsync();
            await rex.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();
            await Assertions.Expect(rex.Locator("ol.history").GetByText("Published version 1")).ToBeVisibleAsync();
            await Assertions.Expect(rex.Locator("ol.history")).ToContainTextAsync(ClinicFixture.EditorUserName);
            await Assertions.Expect(rex.Locator("ol.history")).ToContainTextAsync(ClinicFixture.ReviewerUserName);
            await new Screenshots(rex, nameof(An_editor_adds_an_article_with_a_doi_to_ptsd_a_reviewer_publishes_it_and_visitors_find_it)).TakeAsync("03-history-both-people");

            // The difference between the two drafts, side by side: the old source removed, the new one added.
            await rex.GetByRole(AriaRole.Link, new() { Name = "Compare version 2 with previous (version 1)" }).ClickAsync();
            await Assertions.Expect(rex.Locator("table.diff del")).ToContainTextAsync("Am J Psychiatry");
            await Assertions.Expect(rex.Locator("table.diff ins")).ToContainTextAsync("American Journal of Psychiatry");
            await AssertAccessibleAsync(rex, "difference between two drafts");

            var visitor = await clinic.OpenPageAsync();
            await visitor.GotoAsync("/conditions/ptsd");
            var citation = visitor.Locator("li.citation", new() { HasText = title });
            await Assertions.Expect(citation).ToContainTextAsync("Feder A, Costi S, Rutter SB, et al.");
            await Assertions.Expect(citation.GetByRole(AriaRole.Link, new() { Name = "doi:10.1176/appi.ajp.2020.20050596" }))
                .ToHaveAttributeAsync("href", "https://doi.org/10.1176/appi.ajp.2020.20050596");
            await Assertions.Expect(citation.GetByRole(AriaRole.Link, new() { Name = "PubMed 33726522" }))
                .ToHaveAttributeAsync("href", "https://pubmed.ncbi.nlm.nih.gov/33726522/");
            await new Screenshots(visitor, nameof(An_editor_adds_an_article_with_a_doi_to_ptsd_a_reviewer_publishes_it_and_visitors_find_it)).TakeAsync("04-ptsd-page");
            await AssertAccessibleAsync(visitor, "condition page with the new article");

            await visitor.GotoAsync("/research");
            await visitor.GetByLabel("Search titles, authors and sources").FillAsync("repeated ketamine infusions");
            await visitor.GetByRole(AriaRole.Button, new() { Name = "Show articles" }).ClickAsync();
            await Assertions.Expect(visitor.Locator("li.citation", new() { HasText = title })).ToHaveCountAsync(1);

            // The condition editor, reached from an item page's "Edit", is accessible too.
            await eve.GotoAsync("/staff/content/items/condition/ptsd");
            await eve.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
            await Assertions.Expect(eve.GetByLabel("Name")).ToHaveValueAsync("Post-Traumatic Stress Disorder (PTSD)");
            await AssertAccessibleAsync(eve, "condition editor");
            await eve.GotoAsync("/staff/content/new/condition");
            await eve.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
            await Assertions.Expect(eve.Locator("#Form_Name-error")).ToHaveTextAsync("Enter the name.");
            await shots.TakeAsync("05-condition-editor-with-mistakes");
            await AssertAccessibleAsync(eve, "new condition editor with errors");
        }
        finally
        {
            if (item is not null)
            {
                // Other tests count the seed's articles: this one leaves the library as shipped.
                using var reviewer = await clinic.SignInAsync(ClinicFixture.ReviewerUserName);
                await reviewer.PostFormAsync(item, new() { ["step"] = "unpublish" });
            }
        }
    }
}
