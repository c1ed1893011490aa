grader::chapter3!(solution_3);
