// Examples from GitHub Flavored Markdown's spec, copied verbatim as test data from
// github/cmark-gfm: test/spec.txt (the examples marked `table` and `strikethrough`) and
// test/extensions.txt (its sections on tables, strikethrough, footnotes and interop).
// `→` in the spec is a tab, written here as a tab.

import Testing

/// One spec example: where it is from, its Markdown and the HTML GFM renders for it.
struct GFMSpecExample: CustomTestStringConvertible, Sendable {
    var file: String
    var section: String
    var number: Int
    var markdown: String
    var html: String

    var testDescription: String { "\(file) example \(number) (\(section))" }
}

let gfmSpecExamples: [GFMSpecExample] = [
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 198, markdown: ##"""
| foo | bar |
| --- | --- |
| baz | bim |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>foo</th>
<th>bar</th>
</tr>
</thead>
<tbody>
<tr>
<td>baz</td>
<td>bim</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 199, markdown: ##"""
| abc | defghi |
:-: | -----------:
bar | baz

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th align="center">abc</th>
<th align="right">defghi</th>
</tr>
</thead>
<tbody>
<tr>
<td align="center">bar</td>
<td align="right">baz</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 200, markdown: ##"""
| f\|oo  |
| ------ |
| b `\|` az |
| b **\|** im |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>f|oo</th>
</tr>
</thead>
<tbody>
<tr>
<td>b <code>|</code> az</td>
</tr>
<tr>
<td>b <strong>|</strong> im</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 201, markdown: ##"""
| abc | def |
| --- | --- |
| bar | baz |
> bar

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>abc</th>
<th>def</th>
</tr>
</thead>
<tbody>
<tr>
<td>bar</td>
<td>baz</td>
</tr>
</tbody>
</table>
<blockquote>
<p>bar</p>
</blockquote>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 202, markdown: ##"""
| abc | def |
| --- | --- |
| bar | baz |
bar

bar

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>abc</th>
<th>def</th>
</tr>
</thead>
<tbody>
<tr>
<td>bar</td>
<td>baz</td>
</tr>
<tr>
<td>bar</td>
<td></td>
</tr>
</tbody>
</table>
<p>bar</p>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 203, markdown: ##"""
| abc | def |
| --- |
| bar |

"""##,
                   html: ##"""
<p>| abc | def |
| --- |
| bar |</p>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 204, markdown: ##"""
| abc | def |
| --- | --- |
| bar |
| bar | baz | boo |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>abc</th>
<th>def</th>
</tr>
</thead>
<tbody>
<tr>
<td>bar</td>
<td></td>
</tr>
<tr>
<td>bar</td>
<td>baz</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Tables (extension)", number: 205, markdown: ##"""
| abc | def |
| --- | --- |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>abc</th>
<th>def</th>
</tr>
</thead>
</table>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Strikethrough (extension)", number: 491, markdown: ##"""
~~Hi~~ Hello, world!

"""##,
                   html: ##"""
<p><del>Hi</del> Hello, world!</p>

"""##),
    GFMSpecExample(file: "spec.txt", section: "Strikethrough (extension)", number: 492, markdown: ##"""
This ~~has a

new paragraph~~.

"""##,
                   html: ##"""
<p>This ~~has a</p>
<p>new paragraph~~.</p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Tables", number: 1, markdown: ##"""
| abc | def |
| --- | --- |
| ghi | jkl |
| mno | pqr |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>abc</th>
<th>def</th>
</tr>
</thead>
<tbody>
<tr>
<td>ghi</td>
<td>jkl</td>
</tr>
<tr>
<td>mno</td>
<td>pqr</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Tables", number: 2, markdown: ##"""
Hello!

| _abc_ | セン |
| ----- | ---- |
| 1. Block elements inside cells don't work. | |
| But _**inline elements do**_. | x |

Hi!

"""##,
                   html: ##"""
<p>Hello!</p>
<table>
<thead>
<tr>
<th><em>abc</em></th>
<th>セン</th>
</tr>
</thead>
<tbody>
<tr>
<td>1. Block elements inside cells don't work.</td>
<td></td>
</tr>
<tr>
<td>But <em><strong>inline elements do</strong></em>.</td>
<td>x</td>
</tr>
</tbody>
</table>
<p>Hi!</p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Tables", number: 3, markdown: ##"""
| Not enough table | to be considered table |

| Not enough table | to be considered table |
| Not enough table | to be considered table |

| Just enough table | to be considered table |
| ----------------- | ---------------------- |

| ---- | --- |

|x|
|-|

| xyz |
| --- |

"""##,
                   html: ##"""
<p>| Not enough table | to be considered table |</p>
<p>| Not enough table | to be considered table |
| Not enough table | to be considered table |</p>
<table>
<thead>
<tr>
<th>Just enough table</th>
<th>to be considered table</th>
</tr>
</thead>
</table>
<p>| ---- | --- |</p>
<table>
<thead>
<tr>
<th>x</th>
</tr>
</thead>
</table>
<table>
<thead>
<tr>
<th>xyz</th>
</tr>
</thead>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Tables", number: 4, markdown: ##"""
abc | def
--- | ---
xyz | ghi

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>abc</th>
<th>def</th>
</tr>
</thead>
<tbody>
<tr>
<td>xyz</td>
<td>ghi</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Tables", number: 5, markdown: ##"""
Hello!

| _abc_ | セン |
| ----- | ---- |
| this row has a space at the end | | 
| But _**inline elements do**_. | x |

Hi!

"""##,
                   html: ##"""
<p>Hello!</p>
<table>
<thead>
<tr>
<th><em>abc</em></th>
<th>セン</th>
</tr>
</thead>
<tbody>
<tr>
<td>this row has a space at the end</td>
<td></td>
</tr>
<tr>
<td>But <em><strong>inline elements do</strong></em>.</td>
<td>x</td>
</tr>
</tbody>
</table>
<p>Hi!</p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Tables", number: 6, markdown: ##"""
aaa | bbb | ccc | ddd | eee
:-- | --- | :-: | --- | --:
fff | ggg | hhh | iii | jjj

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th align="left">aaa</th>
<th>bbb</th>
<th align="center">ccc</th>
<th>ddd</th>
<th align="right">eee</th>
</tr>
</thead>
<tbody>
<tr>
<td align="left">fff</td>
<td>ggg</td>
<td align="center">hhh</td>
<td>iii</td>
<td align="right">jjj</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Table cell count mismatches", number: 7, markdown: ##"""
| a | b | c |
| --- | --- |
| this | isn't | okay |

"""##,
                   html: ##"""
<p>| a | b | c |
| --- | --- |
| this | isn't | okay |</p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Table cell count mismatches", number: 8, markdown: ##"""
| a | b | c |
| --- | --- | ---
| x
| a | b
| 1 | 2 | 3 | 4 | 5 |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
<th>c</th>
</tr>
</thead>
<tbody>
<tr>
<td>x</td>
<td></td>
<td></td>
</tr>
<tr>
<td>a</td>
<td>b</td>
<td></td>
</tr>
<tr>
<td>1</td>
<td>2</td>
<td>3</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Embedded pipes", number: 9, markdown: ##"""
| a | b |
| --- | --- |
| Escaped pipes are \|okay\|. | Like \| this. |
| Within `\|code\| is okay` too. |
| _**`c\|`**_ \| complex
| don't **\_reparse\_**

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
</tr>
</thead>
<tbody>
<tr>
<td>Escaped pipes are |okay|.</td>
<td>Like | this.</td>
</tr>
<tr>
<td>Within <code>|code| is okay</code> too.</td>
<td></td>
</tr>
<tr>
<td><em><strong><code>c|</code></strong></em> | complex</td>
<td></td>
</tr>
<tr>
<td>don't <strong>_reparse_</strong></td>
<td></td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Oddly-formatted markers", number: 10, markdown: ##"""
| a |
--- |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
</tr>
</thead>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Escaping", number: 11, markdown: ##"""
| a | b |
| --- | --- |
| \\ | `\\` |
| \\\\ | `\\\\` |
| \_ | `\_` |
| \| | `\|` |
| \a | `\a` |

\\ `\\`

\\\\ `\\\\`

\_ `\_`

\| `\|`

\a `\a`

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
</tr>
</thead>
<tbody>
<tr>
<td>\</td>
<td><code>\\</code></td>
</tr>
<tr>
<td>\\</td>
<td><code>\\\\</code></td>
</tr>
<tr>
<td>_</td>
<td><code>\_</code></td>
</tr>
<tr>
<td>|</td>
<td><code>|</code></td>
</tr>
<tr>
<td>\a</td>
<td><code>\a</code></td>
</tr>
</tbody>
</table>
<p>\ <code>\\</code></p>
<p>\\ <code>\\\\</code></p>
<p>_ <code>\_</code></p>
<p>| <code>\|</code></p>
<p>\a <code>\a</code></p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Embedded HTML", number: 12, markdown: ##"""
| a |
| --- |
| <strong>hello</strong> |
| ok <br> sure |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
</tr>
</thead>
<tbody>
<tr>
<td><strong>hello</strong></td>
</tr>
<tr>
<td>ok <br> sure</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Reference-style links", number: 13, markdown: ##"""
Here's a link to [Freedom Planet 2][].

| Here's a link to [Freedom Planet 2][] in a table header. |
| --- |
| Here's a link to [Freedom Planet 2][] in a table row. |

[Freedom Planet 2]: http://www.freedomplanet2.com/

"""##,
                   html: ##"""
<p>Here's a link to <a href="http://www.freedomplanet2.com/">Freedom Planet 2</a>.</p>
<table>
<thead>
<tr>
<th>Here's a link to <a href="http://www.freedomplanet2.com/">Freedom Planet 2</a> in a table header.</th>
</tr>
</thead>
<tbody>
<tr>
<td>Here's a link to <a href="http://www.freedomplanet2.com/">Freedom Planet 2</a> in a table row.</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Sequential cells", number: 14, markdown: ##"""
| a | b | c |
| --- | --- | --- |
| d || e |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
<th>c</th>
</tr>
</thead>
<tbody>
<tr>
<td>d</td>
<td></td>
<td>e</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Interaction with emphasis", number: 15, markdown: ##"""
| a | b |
| --- | --- |
|***(a)***|

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
</tr>
</thead>
<tbody>
<tr>
<td><em><strong>(a)</strong></em></td>
<td></td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "a table can be recognised when separated from a paragraph of text without an empty line", number: 16, markdown: ##"""
123
456
| a | b |
| ---| --- |
d | e

"""##,
                   html: ##"""
<p>123
456</p>
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
</tr>
</thead>
<tbody>
<tr>
<td>d</td>
<td>e</td>
</tr>
</tbody>
</table>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Strikethroughs", number: 17, markdown: ##"""
A proper ~strikethrough~.

"""##,
                   html: ##"""
<p>A proper <del>strikethrough</del>.</p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Strikethroughs", number: 18, markdown: ##"""
These are ~not strikethroughs.

No, they are not~

This ~is ~ legit~ isn't ~ legit.

This is not ~~~~~one~~~~~ huge strikethrough.

~one~ ~~two~~ ~~~three~~~

No ~mismatch~~

"""##,
                   html: ##"""
<p>These are ~not strikethroughs.</p>
<p>No, they are not~</p>
<p>This <del>is ~ legit</del> isn't ~ legit.</p>
<p>This is not ~~~~~one~~~~~ huge strikethrough.</p>
<p><del>one</del> <del>two</del> ~~~three~~~</p>
<p>No ~mismatch~~</p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Footnotes", number: 23, markdown: ##"""
This is some text![^1]. Other text.[^footnote].

Here's a thing[^other-note].

And another thing[^codeblock-note].

This doesn't have a referent[^nope].


[^other-note]:       no code block here (spaces are stripped away)

[^codeblock-note]:
        this is now a code block (8 spaces indentation)

[^1]: Some *bolded* footnote definition.

Hi!

[^footnote]:
    > Blockquotes can be in a footnote.

        as well as code blocks

    or, naturally, simple paragraphs.

[^unused]: This is unused.

"""##,
                   html: ##"""
<p>This is some text!<sup class="footnote-ref"><a href="#fn1" id="fnref1">1</a></sup>. Other text.<sup class="footnote-ref"><a href="#fn2" id="fnref2">2</a></sup>.</p>
<p>Here's a thing<sup class="footnote-ref"><a href="#fn3" id="fnref3">3</a></sup>.</p>
<p>And another thing<sup class="footnote-ref"><a href="#fn4" id="fnref4">4</a></sup>.</p>
<p>This doesn't have a referent[^nope].</p>
<p>Hi!</p>
<section class="footnotes">
<ol>
<li id="fn1">
<p>Some <em>bolded</em> footnote definition. <a href="#fnref1" class="footnote-backref">↩</a></p>
</li>
<li id="fn2">
<blockquote>
<p>Blockquotes can be in a footnote.</p>
</blockquote>
<pre><code>as well as code blocks
</code></pre>
<p>or, naturally, simple paragraphs. <a href="#fnref2" class="footnote-backref">↩</a></p>
</li>
<li id="fn3">
<p>no code block here (spaces are stripped away) <a href="#fnref3" class="footnote-backref">↩</a></p>
</li>
<li id="fn4">
<pre><code>this is now a code block (8 spaces indentation)
</code></pre>
<a href="#fnref4" class="footnote-backref">↩</a>
</li>
</ol>
</section>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Interop", number: 24, markdown: ##"""
~~www.google.com~~

~~http://google.com~~

"""##,
                   html: ##"""
<p><del><a href="http://www.google.com">www.google.com</a></del></p>
<p><del><a href="http://google.com">http://google.com</a></del></p>

"""##),
    GFMSpecExample(file: "extensions.txt", section: "Interop", number: 25, markdown: ##"""
| a | b |
| --- | --- |
| https://github.com www.github.com | http://pokemon.com |

"""##,
                   html: ##"""
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
</tr>
</thead>
<tbody>
<tr>
<td><a href="https://github.com">https://github.com</a> <a href="http://www.github.com">www.github.com</a></td>
<td><a href="http://pokemon.com">http://pokemon.com</a></td>
</tr>
</tbody>
</table>

"""##),
]
