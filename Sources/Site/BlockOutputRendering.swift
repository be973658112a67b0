import NotebookResults

/// Renders one output of a block with the renderer for its kind.
public func renderBlockOutput(_ output: BlockOutput) -> String {
    switch output {
    case .text(let text): renderTextOutput(text)
    case .table(let table): renderTableFigure(table)
    case .lineChart(let chart): renderLineChartFigure(chart)
    case .imageGrid(let grid): renderImageGridFigure(grid)
    case .scatter(let scatter): renderScatterFigure(scatter)
    case .barChart(let chart): renderBarChartFigure(chart)
    }
}
