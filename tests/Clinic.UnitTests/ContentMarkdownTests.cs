using Clinic.Modules.Content.Library;

namespace Clinic.UnitTests;

public sealed class ContentMarkdownTests
{
    private static string Render(string markdown) => ContentMarkdown.ToHtml(markdown).ToString()!;

    [Fact]
    public void Renders_the_markdown_editors_write()
    {
        var html = Render("Ketamine **works fast**.\n\n- one\n- two\n\n[988](tel:988)");

        Assert.Contains("<strong>works fast</strong>", html);
        Assert.Contains("<li>one</li>", html);
        Assert.Contains("<a href=\"tel:988\">988</a>", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<p style=\"color:red\" onclick=\"alert(1)\">x</p>")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("<svg onload=alert(1)>")]
    public void Hostile_markup_is_never_live(string markdown)
    {
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(Render(markdown));

        Assert.Empty(page.QuerySelectorAll("script, img, svg, iframe, object, style"));
        foreach (var element in page.Body!.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name == "style");
            Assert.False(element.GetAttribute("href")?.Trim().StartsWith("javascript", StringComparison.OrdinalIgnoreCase) ?? false);
        }
    }

    [Fact]
    public void Raw_html_is_shown_as_text()
    {
        Assert.Contains("&lt;script&gt;", Render("Say <script>hi</script>"));
    }
}
